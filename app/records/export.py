"""A call's record as people read it (a dialogue with its timeline) and as tools read it
(CSV, JSON)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, fields
from datetime import UTC, datetime
from typing import Any

from app.records.model import Decision, Turn

_WHO = {"visitor": "Visitante", "resident": "Morador", "portaria": "Portaria"}
_STAGES = ("endpointing_s", "stt_s", "nlu_s", "tts_s", "first_reply_audio_s")


def decisions_csv(rows: list[Decision]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=[f.name for f in fields(Decision)])
    w.writeheader()
    for r in rows:
        w.writerow(asdict(r))
    return buf.getvalue()


def turns_csv(turns: list[Turn]) -> str:
    buf = io.StringIO()
    cols = [
        "seq",
        "ts",
        "speaker",
        "kind",
        "party",
        "text",
        "confidence",
        "source",
        *_STAGES,
        "speech_start_s",
        "speech_end_s",
    ]
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
    w.writeheader()
    for t in turns:
        w.writerow({**t.as_dict(), **t.timings})
    return buf.getvalue()


def call_json(decision: Decision | None, turns: list[Turn]) -> dict[str, Any]:
    return {
        "decision": asdict(decision) if decision else None,
        "turns": [t.as_dict() for t in turns],
    }


def _clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M:%S")


def dialogue(decision: Decision | None, turns: list[Turn]) -> str:
    """The conversation as a readable script, each turn with its stage times."""
    lines = []
    if decision is not None:
        when = datetime.fromtimestamp(decision.ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        lines.append(
            f"call {decision.call_id}  {decision.condominium}  {when}  "
            f"caller {decision.caller or '-'}"
        )
        lines.append(
            f"decision: {decision.outcome} by {decision.decided_by}, gate "
            f"{'opened' if decision.gate_opened else 'shut'}, "
            f"apartment {decision.apartment or '-'}, "
            f"resident {decision.resident or '-'}, visitor {decision.visitor_name or '-'}"
        )
        if decision.recording:
            lines.append(f"recording: {decision.recording}")
        lines.append("")
    for t in turns:
        who = _WHO.get(t.speaker, t.speaker)
        to = f" → {_WHO.get(t.party or '', t.party)}" if t.kind == "said" and t.party else ""
        conf = f"  (confidence {t.confidence:.2f})" if t.confidence is not None else ""
        text = f"[{t.text}]" if t.kind == "event" else t.text or "(nothing understood)"
        lines.append(f"{_clock(t.ts)}  {who}{to}: {text}{conf}")
        stages = [f"{s[:-2]} {t.timings[s] * 1000:.0f} ms" for s in _STAGES if s in t.timings]
        if stages:
            lines.append(f"          {' · '.join(stages)}")
    return "\n".join(lines) + "\n"


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)
