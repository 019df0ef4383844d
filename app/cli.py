"""`portaria` command line: run the app, check a config file, follow calls live (console),
preview a phrase in a condominium's voice (say)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

import structlog

from app import audit_cli, console
from app.config import Secrets, load_config
from app.errors import PortariaError
from app.media.tts import say


async def _run(config_path: str) -> int:
    from app.logging import configure  # deferred: the service pulls in the speech SDKs
    from app.service import Service

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
    from app.checks import installation_problems

    settings = load_config(config_path)
    problems = installation_problems(settings, Secrets.from_env(), Path(config_path).parent)
    for line in problems:
        print(f"{config_path}: {line}", file=sys.stderr)
    if problems:
        return 2
    print(f"{config_path}: OK")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="portaria", description="AI gate attendant (Asterisk ARI)")
    parser.add_argument("--config", "-c", default="config.yaml")
    sub = parser.add_subparsers(dest="cmd")
    sub.add_parser("run", help="run the Stasis app, media servers and API")
    sub.add_parser("check-config", help="validate the config file and exit")
    audit_cli.add_arguments(sub.add_parser(
        "audit", help="decisions, one call's conversation (--call ID), purge and erase (LGPD)"))
    say.add_arguments(sub.add_parser("say", help="write a phrase, spoken by a condominium's voice, to a WAV file"))
    console.add_arguments(sub.add_parser(
        "console", help="follow a running app's calls live (its /api/events; needs PORTARIA_API_TOKEN)"))
    args = parser.parse_args(argv)
    try:
        if args.cmd == "check-config":
            return _check_config(args.config)
        if args.cmd == "audit":
            return audit_cli.main(args)
        if args.cmd == "say":
            from app.logging import configure

            configure("warning", None)
            return say.main(load_config(args.config), args)
        if args.cmd == "console":
            return console.main(args)
        return asyncio.run(_run(args.config))
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
