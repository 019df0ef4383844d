"""Turn-taking benchmarks (issue 12's targets): make bench prints, asserts nothing.

    python -m bench.bench_turns [--pauses 0.3 0.4 0.5 0.6 0.7] [--runs 2] [--turns 4] [--whisper 12]

On the sandbox Asterisk with the scripted OpenAI-compatible recognizer (tests/harness/fakes):
  - false end of turn: a visitor says one sentence with a pause of each length inside
    ("Boa noite, aqui é o Marcos, … vim deixar uma encomenda …", the first part ending
    on a comma and on a full stop); false when the dialog acted on a part (the visitor was
    heard in more than one turn, or the whole was not recognized in one upload);
  - turn latency (visitor's last speech sample -> first reply sample) with speculative
    recognition (the default) and without (speculative_seconds: 0);
  - resident's presentation: from their leg entering Stasis (they answered) to the first
    frame of the presentation sent on their leg, in the app. Their phone's recording cannot
    tell: MixMonitor starts its file at the first frame it receives, not at Answer().
Offline, the embedded Whisper recognizer (--whisper N Kokoro-voiced openings, fed to the
endpointer on a real 20 ms clock): how long the turn waits for recognition after the end
of speech, with and without the recognition started at the pause.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from app.ari import AriClient
from app.logging import configure
from app.media.endpointing import EndpointerConfig
from app.media.speculation import Speculation
from app.media.vad import Endpointer, SpeechPaused, SpeechResumed, UtteranceEnded
from bench.bench_calls import Recorder, bench_turns, emit, summary
from tests.harness.asterisk import AsteriskEnv, asterisk_env
from tests.harness.audio import synth_speech
from tests.harness.fakes.openai_server import ScriptedTranscriptionServer
from tests.harness.gate import Gate, running_gate
from tests.harness.live import wait_clean
from tests.harness.phone import Phones

FIRST = {"comma": "Boa noite, aqui é o Marcos,", "stop": "Boa noite, aqui é o Marcos."}
ERRAND = "vim deixar uma encomenda para o apartamento quinhentos e um."
WHOLE = "Boa noite, aqui é o Marcos, vim deixar uma encomenda para o apartamento quinhentos e um."


def _seconds(text: str) -> float:
    return len(synth_speech(text, 8000)) / 8000


@contextlib.asynccontextmanager
async def started(
    env: AsteriskEnv, stt: ScriptedTranscriptionServer, speculative_s: float | None, tts: str
) -> AsyncIterator[tuple[Gate, Recorder]]:
    endpointing = {} if speculative_s is None else {"speculative_seconds": speculative_s}
    ari = AriClient(env.ari_url, env.username, env.password, "portaria-bench", timeout=20)
    try:
        async with running_gate(
            env,
            ari,
            Phones(env, ari),
            stt,
            Path(tempfile.mkdtemp()),
            {"tts": {"backend": tts}},
            endpointing=endpointing,
        ) as gate:
            yield gate, Recorder(gate.app)
    finally:
        await ari.aclose()


async def false_ends(
    gate: Gate, rec: Recorder, pauses: list[float], runs: int
) -> list[dict[str, Any]]:
    stt = gate.stt
    rows, onsets = [], []
    for pause in pauses:
        false, n, uploads = 0, 0, []
        for variant, first in FIRST.items():
            first_s, whole_s = _seconds(first), _seconds(first) + pause + _seconds(ERRAND)
            stt.by_duration = [
                (first_s - 0.1, first_s + 0.8, first),
                (whole_s, whole_s + 1.2, WHOLE),
            ]
            for _ in range(runs):
                stt.uploads.clear()
                stt.push("Sim.")
                await gate.resident("1003021", says=["Sim."])
                before = len(rec.calls)
                phone = await gate.visitor([gate.paused_speech(first, pause, ERRAND)])
                await phone.wait_hung_up(timeout=120)
                await wait_clean(gate.ari, gate.app)
                d = gate.last_decision()
                visitor = stt.uploads[:-1]
                whole = [u for u in visitor if u.duration_s >= whole_s]
                heard = (
                    [
                        t.text
                        for t in gate.app.audit.turns(d.call_id)
                        if t.kind == "heard" and t.speaker == "visitor"
                    ]
                    if d
                    else []
                )
                ok = (
                    d is not None
                    and d.outcome == "authorized"
                    and len(whole) == 1
                    and heard[-1:] == [WHOLE]
                    and (variant == "stop" or heard == [WHOLE])
                )
                false += not ok
                n += 1
                uploads.append(len(visitor))
                if not ok:
                    print(
                        f"  not one turn: pause {pause} {variant}: {d and d.outcome} heard {heard} "
                        f"uploads {[round(u.duration_s, 2) for u in stt.uploads]}",
                        flush=True,
                    )
                onsets += [
                    c.timings["resident_presentation_s"]
                    for c in rec.calls[before:]
                    if "resident_presentation_s" in c.timings
                ]
        rows += emit(
            [
                {
                    "metric": f"false end of turn, pause {pause:.1f} s inside the sentence",
                    "false": false,
                    "calls": n,
                    "rate_percent": round(100 * false / n, 1),
                    "visitor_uploads_per_call": uploads,
                }
            ]
        )
    stt.by_duration = []
    rows += emit(
        [summary("resident: answered (StasisStart) -> first presentation frame sent", onsets)]
    )
    return rows


async def latency(env: Any, turns: int, tts: str) -> list[dict[str, Any]]:
    rows = []
    for label, spec in (("with speculation (default)", None), ("without speculation", 0.0)):
        async with (
            ScriptedTranscriptionServer([]) as stt,
            started(env, stt, spec, tts) as (gate, rec),
        ):
            for r in await bench_turns(gate, rec, turns):
                r["metric"] = f"{r['metric']} [{label}]"
                rows.append(r)
    return rows


async def whisper_savings(n: int) -> list[dict[str, Any]]:
    """Recognition wait after the end of speech, Whisper on the CPU, with and without the
    recognition started at the pause (the endpointer on a real 20 ms clock)."""
    from app.media.stt.whisper import WhisperStt
    from bench.stt_evalset import UTTERANCES
    from tests.harness.speech_audio import natural_clip

    clips = [natural_clip(u.text, "pm_alex", 8000) for u in UTTERANCES if u.kind == "opening"][:n]
    stt = WhisperStt()
    rows = []
    try:
        await stt.transcribe(clips[0], 8000, None)  # warm
        for label, spec_s in (("with speculation", 0.25), ("without speculation", 0.0)):
            waits, used, discarded = [], 0, 0
            for pcm in clips:
                wait, spec = await _one_turn(stt, pcm, spec_s)
                waits.append(wait)
                used, discarded = used + spec.used, discarded + spec.discarded
            row = summary(f"Whisper: end of speech -> transcript, {label}", waits)
            rows.append({**row, "guesses_used": used, "guesses_discarded": discarded})
    finally:
        await stt.aclose()
    return rows


async def _one_turn(stt: Any, pcm: bytes, spec_s: float) -> tuple[float, Speculation]:
    ep = Endpointer(EndpointerConfig(speculative_seconds=spec_s))
    spec = Speculation(stt.transcribe)
    audio = bytes(8000) + pcm + bytes(16000)  # 0.5 s before, 1 s after
    t0 = time.monotonic()
    for i in range(0, len(audio) - 319, 320):
        due = t0 + i / 16000
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        for ev in ep.push(audio[i : i + 320], time.monotonic()):
            if isinstance(ev, SpeechPaused):
                spec.start(ev.utterance.pcm, 8000, None)
            elif isinstance(ev, SpeechResumed):
                spec.cancel()
            elif isinstance(ev, UtteranceEnded):
                ended = time.monotonic()
                await spec.recognize(ev.utterance.pcm, 8000, None)
                return time.monotonic() - ended, spec
    raise RuntimeError("no end of speech in the clip")


async def main(args: argparse.Namespace) -> None:
    configure("warning")
    if args.whisper:
        emit(await whisper_savings(args.whisper))
    if not args.calls:
        return
    env = asterisk_env()
    async with (
        ScriptedTranscriptionServer([]) as stt,
        started(env, stt, None, args.tts) as (gate, rec),
    ):
        await false_ends(gate, rec, args.pauses, args.runs)
    emit(await latency(env, args.turns, args.tts))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--pauses", type=float, nargs="*", default=[0.3, 0.4, 0.5, 0.6, 0.7])
    ap.add_argument("--runs", type=int, default=2, help="calls per pause and first-part ending")
    ap.add_argument("--turns", type=int, default=4, help="calls per latency run (2 turns each)")
    ap.add_argument(
        "--whisper", type=int, default=12, help="Kokoro openings for the Whisper run (0: skip)"
    )
    ap.add_argument("--no-calls", dest="calls", action="store_false", help="skip the Asterisk part")
    ap.add_argument(
        "--tts",
        default="espeak",
        choices=["kokoro", "espeak"],
        help="the reply voice (default espeak-ng, as the call tests: no neural cache to warm)",
    )
    asyncio.run(main(ap.parse_args()))
