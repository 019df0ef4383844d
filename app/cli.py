"""`portaria` command line: run the app, check a config file, follow calls live (console),
preview a phrase in a condominium's voice (say)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import structlog

from app import console
from app.config import ConfigError, Secrets, load_config
from app.dialog.audit import AuditStore, to_csv
from app.logging import configure
from app.media.tts import say
from app.service import Service


async def _run(config_path: str) -> int:
    settings = load_config(config_path)
    configure(settings.log.level, settings.log.file)
    log = structlog.get_logger("portaria")
    svc = Service(settings, Secrets.from_env(), config_dir=Path(config_path).parent,
                  config_path=Path(config_path))
    await svc.start()
    log.info("portaria_ready", ari=settings.ari.url, visitor_port=svc.servers["visitor"].port,
             resident_port=svc.servers["resident"].port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    def reload() -> None:
        async def run() -> None:
            applied, message = await svc.api_controller.reload()
            log.info("config_reload", applied=applied, message=message)
        loop.create_task(run())

    loop.add_signal_handler(signal.SIGHUP, reload)
    await stop.wait()
    log.info("portaria_stopping")
    await svc.stop()
    return 0


def _day(value: str | None, flag: str) -> float | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise SystemExit(f"portaria audit: {flag} {value!r} is not a date (YYYY-MM-DD)") from None


def _audit(args: argparse.Namespace) -> int:
    settings = load_config(args.config)
    path = Path(args.config).parent / settings.audit.path
    if not path.exists():
        print(f"no audit store at {path} yet", file=sys.stderr)
        return 1
    store = AuditStore(path)
    rows = store.query(since=_day(args.since, "--since"), until=_day(args.until, "--until"),
                       condominium=args.condominium, apartment=args.apartment, limit=args.limit)
    if args.csv:
        sys.stdout.write(to_csv(rows))
        return 0
    for r in rows:
        when = datetime.fromtimestamp(r.ts, UTC).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{when}  {r.condominium:<10} ap {r.apartment or '-':<10} {r.outcome:<12} by {r.decided_by:<13} "
              f"gate={'open' if r.gate_opened else 'shut'}  visitor={r.visitor_name or '-'}  resident={r.resident or '-'}")
    print(f"{len(rows)} decision(s)", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="portaria", description="AI gate attendant (Asterisk ARI)")
    parser.add_argument("--config", "-c", default="config.yaml")
    sub = parser.add_subparsers(dest="cmd")
    sub.add_parser("run", help="run the Stasis app, media servers and API")
    sub.add_parser("check-config", help="validate the config file and exit")
    audit = sub.add_parser("audit", help="list or export (CSV) the recorded gate decisions")
    audit.add_argument("--since", help="YYYY-MM-DD (UTC), inclusive")
    audit.add_argument("--until", help="YYYY-MM-DD (UTC), exclusive")
    audit.add_argument("--condominium")
    audit.add_argument("--apartment")
    audit.add_argument("--limit", type=int, default=100)
    audit.add_argument("--csv", action="store_true", help="CSV on standard output")
    say.add_arguments(sub.add_parser("say", help="write a phrase, spoken by a condominium's voice, to a WAV file"))
    console.add_arguments(sub.add_parser(
        "console", help="follow a running app's calls live (its /api/events; needs PORTARIA_API_TOKEN)"))
    args = parser.parse_args(argv)
    try:
        if args.cmd == "check-config":
            load_config(args.config)
            print(f"{args.config}: OK")
            return 0
        if args.cmd == "audit":
            return _audit(args)
        if args.cmd == "say":
            configure("warning", None)
            return say.main(load_config(args.config), args)
        if args.cmd == "console":
            return console.main(args)
        return asyncio.run(_run(args.config))
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
