"""`portaria` command line: run the app, check a config file, follow calls live (console),
preview a phrase in a condominium's voice (say).

Every command's arguments are declared here, and its module is imported only when
it runs: `portaria --help` loads neither the config's models nor any SDK (~0.1 s
instead of ~1.6 s), and `console` or `audit` load only what they use.
"""

from __future__ import annotations

import argparse
import sys

from app.errors import PortariaError


async def _run(config_path: str) -> int:
    import asyncio
    import signal
    from pathlib import Path

    import structlog

    from app.config import Secrets, load_config
    from app.logging import configure
    from app.service import Service  # the speech SDKs, model runtimes and uvicorn

    settings = load_config(config_path)
    configure(settings.log.level, settings.log.file)
    log = structlog.get_logger("portaria")
    svc = Service(
        settings,
        Secrets.from_env(),
        config_dir=Path(config_path).parent,
        config_path=Path(config_path),
    )
    await svc.start()
    log.info(
        "portaria_ready",
        ari=settings.ari.url,
        visitor_port=svc.servers["visitor"].port,
        resident_port=svc.servers["resident"].port,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    reloads: set[asyncio.Task[None]] = set()  # held until done (the loop keeps weak references)

    def reload() -> None:
        async def run() -> None:
            applied, message = await svc.api_controller.reload()
            log.info("config_reload", applied=applied, message=message)

        task = loop.create_task(run(), name="reload")
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    loop.add_signal_handler(signal.SIGHUP, reload)
    await stop.wait()
    log.info("portaria_stopping")
    for task in list(reloads):
        task.cancel()
    await asyncio.gather(*reloads, return_exceptions=True)
    await svc.stop()
    return 0


def _check_config(config_path: str) -> int:
    from pathlib import Path

    from app.checks import installation_problems
    from app.config import Secrets, load_config

    settings = load_config(config_path)
    problems = installation_problems(settings, Secrets.from_env(), Path(config_path).parent)
    for line in problems:
        print(f"{config_path}: {line}", file=sys.stderr)
    if problems:
        return 2
    print(f"{config_path}: OK")
    return 0


def _audit_arguments(audit: argparse.ArgumentParser) -> None:
    audit.add_argument(
        "action",
        nargs="?",
        choices=("list", "purge", "erase"),
        default="list",
        help="list (default); purge --before DATE; erase --caller NUMBER | --call ID",
    )
    audit.add_argument("--since", help="YYYY-MM-DD (UTC), inclusive")
    audit.add_argument("--until", help="YYYY-MM-DD (UTC), exclusive")
    audit.add_argument(
        "--before", help="purge: transcripts and recordings of calls before YYYY-MM-DD (UTC)"
    )
    audit.add_argument("--condominium")
    audit.add_argument("--apartment")
    audit.add_argument("--caller", help="list: calls from this number; erase: this person's data")
    audit.add_argument("--call", help="one call: its conversation and timeline (erase: that call)")
    audit.add_argument("--limit", type=int, default=100)
    audit.add_argument("--csv", action="store_true", help="CSV on standard output")
    audit.add_argument("--json", action="store_true", help="JSON on standard output")


def _say_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", help="what to say, as written in a phrase (normalized for speech)")
    p.add_argument(
        "--voice", help="pm_alex, pf_dora, pm_santa, or espeak (default: the condominium's)"
    )
    p.add_argument("--speed", type=float, help="Kokoro speed (default: the condominium's)")
    p.add_argument("--condominium", help="whose voice and phrases (default: default_condominium)")
    p.add_argument("--rate", type=int, help="sample rate (default: the call legs', media.format)")
    p.add_argument("-o", "--output", default="say.wav", help="WAV file to write (default: say.wav)")


def _console_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--url",
        help="the app's API, e.g. http://127.0.0.1:8082 (default: api.host/port of --config)",
    )
    p.add_argument(
        "--call", help="only this call (a prefix of its id, e.g. the 8 characters shown)"
    )
    p.add_argument("--condominium", help="only this condominium")
    p.add_argument(
        "--kind",
        action="append",
        help="only these kinds (repeat or comma-separate: "
        "ari, state, call, call.started, resident.called, decision, call.ended)",
    )
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")


def _command(args: argparse.Namespace) -> int:
    if args.cmd == "check-config":
        return _check_config(args.config)
    if args.cmd == "audit":
        from app import audit_cli

        return audit_cli.main(args)
    if args.cmd == "say":
        from app.config import load_config
        from app.logging import configure
        from app.media.tts import say

        configure("warning", None)
        return say.main(load_config(args.config), args)
    if args.cmd == "console":
        from app import console

        return console.main(args)
    import asyncio

    return asyncio.run(_run(args.config))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="portaria", description="AI gate attendant (Asterisk ARI)"
    )
    parser.add_argument("--config", "-c", default="config.yaml")
    sub = parser.add_subparsers(dest="cmd")
    sub.add_parser("run", help="run the Stasis app, media servers and API")
    sub.add_parser("check-config", help="validate the config file and exit")
    _audit_arguments(
        sub.add_parser(
            "audit", help="decisions, one call's conversation (--call ID), purge and erase (LGPD)"
        )
    )
    _say_arguments(
        sub.add_parser("say", help="write a phrase, spoken by a condominium's voice, to a WAV file")
    )
    _console_arguments(
        sub.add_parser(
            "console",
            help="follow a running app's calls live (its /api/events; needs PORTARIA_API_TOKEN)",
        )
    )
    args = parser.parse_args(argv)
    try:
        return _command(args)
    except PortariaError as exc:
        # Configuration, a missing program or model, a backend that cannot start:
        # one line per problem for the operator, never a traceback.
        problems = getattr(exc, "problems", None) or [str(exc)]
        for line in problems:
            print(f"portaria: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
