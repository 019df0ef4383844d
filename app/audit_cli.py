"""`portaria audit`: list and export decisions, read one call's conversation, and the
LGPD duties: purge old transcripts and recordings, erase one person's on request."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from app.config import Settings, load_config
from app.records import open_store
from app.records.export import call_json, decisions_csv, dialogue, dumps, turns_csv
from app.records.recordings import delete_files
from app.records.store import RecordStore


def _day(value: str | None, flag: str) -> float | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise SystemExit(f"portaria audit: {flag} {value!r} is not a date (YYYY-MM-DD)") from None


def _open(settings: Settings, config_dir: Path) -> RecordStore | None:
    path = config_dir / settings.audit.path
    if settings.audit.url is None and not path.exists():
        print(f"no audit store at {path} yet", file=sys.stderr)
        return None
    return open_store(settings.audit.url, path)


def main(args: argparse.Namespace) -> int:
    settings = load_config(args.config)
    config_dir = Path(args.config).parent
    store = _open(settings, config_dir)
    if store is None:
        return 1
    try:
        if args.action == "purge":
            before = _day(args.before, "--before")
            if before is None:
                raise SystemExit("portaria audit purge: --before YYYY-MM-DD is required")
            calls, paths = store.purge(before)
            removed = delete_files(paths)
            print(
                f"purged {calls} call(s) before {args.before}: "
                f"transcripts and {removed} recording file(s)"
            )
            return 0
        if args.action == "erase":
            if (args.caller is None) == (args.call is None):
                raise SystemExit(
                    "portaria audit erase: give exactly one of --caller NUMBER or --call ID"
                )
            calls, paths = store.erase(caller=args.caller, call_id=args.call)
            removed = delete_files(paths)
            print(
                f"erased {calls} call(s): transcripts and {removed} recording file(s) deleted, "
                "decision rows kept without name, number or channels"
            )
            return 0
        if args.call:
            return _one_call(store, args)
        rows = store.query(
            since=_day(args.since, "--since"),
            until=_day(args.until, "--until"),
            condominium=args.condominium,
            apartment=args.apartment,
            caller=args.caller,
            limit=args.limit,
        )
        if args.csv:
            sys.stdout.write(decisions_csv(rows))
            return 0
        if args.json:
            sys.stdout.write(dumps([call_json(r, [])["decision"] for r in rows]) + "\n")
            return 0
        for r in rows:
            when = datetime.fromtimestamp(r.ts, UTC).strftime("%Y-%m-%d %H:%M:%S")
            print(
                f"{when}  {r.condominium:<10} ap {r.apartment or '-':<10} {r.outcome:<12} "
                f"by {r.decided_by:<13} gate={'open' if r.gate_opened else 'shut'}  "
                f"visitor={r.visitor_name or '-'}  resident={r.resident or '-'}  call={r.call_id}"
            )
        print(f"{len(rows)} decision(s)", file=sys.stderr)
        return 0
    finally:
        store.close()


def _one_call(store: RecordStore, args: argparse.Namespace) -> int:
    found = store.query(call_id=args.call, limit=1)
    decision = found[0] if found else None
    turns = store.turns(args.call)
    if decision is None and not turns:
        print(f"no call {args.call} in the audit store", file=sys.stderr)
        return 1
    if args.json:
        sys.stdout.write(dumps(call_json(decision, turns)) + "\n")
    elif args.csv:
        sys.stdout.write(turns_csv(turns))
    else:
        sys.stdout.write(dialogue(decision, turns))
    return 0
