"""`portaria` command line: run the app, check a config file."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

import structlog

from app.config import ConfigError, Secrets, load_config
from app.logging import configure
from app.service import Service


async def _run(config_path: str) -> int:
    settings = load_config(config_path)
    configure(settings.log.level, settings.log.file)
    log = structlog.get_logger("portaria")
    svc = Service(settings, Secrets.from_env())
    await svc.start()
    log.info("portaria_ready", ari=settings.ari.url, visitor_port=svc.servers["visitor"].port,
             resident_port=svc.servers["resident"].port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("portaria_stopping")
    await svc.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="portaria", description="AI gate attendant (Asterisk ARI)")
    parser.add_argument("--config", "-c", default="config.yaml")
    sub = parser.add_subparsers(dest="cmd")
    sub.add_parser("run", help="run the Stasis app, media servers and API")
    sub.add_parser("check-config", help="validate the config file and exit")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "check-config":
            load_config(args.config)
            print(f"{args.config}: OK")
            return 0
        return asyncio.run(_run(args.config))
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
