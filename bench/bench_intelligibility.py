"""Intelligibility of the app's prompts on a phone line: Whisper's word error rate per voice.

Each prompt (fixed phrases, and replies with a resident, an apartment and a
visitor's name filled in) is spoken as a call would speak it (the
condominium's phrasebook cuts it into segments, each normalized and
synthesized, stitched with the same pauses), made telephone quality (8 kHz,
300–3400 Hz, light noise: tests/harness/speech_audio.py) and transcribed by Whisper
base (faster-whisper, int8, pt, greedy, temperature 0). WER is over words after
both sides are normalized the same way (lower case, no punctuation, numbers as
words), for each Kokoro voice and for espeak-ng beside them.

    python -m bench.bench_intelligibility [--voices pm_alex pf_dora pm_santa espeak]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time

from app.config import Phrases
from app.logging import configure
from app.media.tts import CondominiumSpeech, TtsSettings, Voice, build_voice
from app.media.tts.normalize import speech_text
from app.media.tts.settings import CondominiumVoice
from tests.harness.speech_audio import Whisper, telephone

RATE = 8000


def prompts() -> list[str]:
    p = Phrases()
    fixed = [
        p.greeting,
        p.ask_everything,
        p.ask_name,
        p.didnt_understand,
        p.calling_resident,
        p.still_calling,
        p.visitor_authorized,
        p.visitor_denied,
        p.resident_reprompt,
        p.goodbye,
    ]
    filled = [
        p.confirm_match.format(resident="Daniel dos Reis", apartment="501"),
        p.resident_prompt.format(
            apartment="1201", visitor="Pedro da Silva", purpose=p.purpose_entrega
        ),
        p.apartment_not_found.format(apartment="705"),
    ]
    return fixed + filled


def words(text: str) -> list[str]:
    text = speech_text(text).lower()
    return re.sub(r"[^\w\s]", " ", text).split()


def wer(ref: list[str], hyp: list[str]) -> tuple[int, int]:
    """(word edits, reference words): Levenshtein over words."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i]
        for j, h in enumerate(hyp, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h)))
        prev = cur
    return prev[-1], len(ref)


async def spoken(voice: Voice, text: str) -> bytes:
    pcm = b""
    for seg in voice.phrasebook.segments(text):
        pcm += b"\x00\x00" * (RATE * seg.pause_ms // 1000) + await voice.synthesize(seg.text, RATE)
    return pcm


async def main(voices: list[str], show: bool) -> None:
    configure("warning")
    t0 = time.perf_counter()
    judge = Whisper()
    print(json.dumps({"metric": "Whisper base load", "s": round(time.perf_counter() - t0, 2)}))
    texts = prompts()
    book = {"bench": CondominiumSpeech(CondominiumVoice(), Phrases().model_dump())}
    for name in voices:
        cfg = TtsSettings(backend="espeak") if name == "espeak" else TtsSettings(kokoro_voice=name)
        voice = build_voice(cfg, book).for_condominium("bench")
        edits = total = exact = 0
        for i, text in enumerate(texts):
            heard = judge.text(telephone(await spoken(voice, text), RATE, seed=i), RATE)
            e, n = wer(words(text), words(heard))
            edits, total, exact = edits + e, total + n, exact + (e == 0)
            if show:
                print(f"  {name}: {e}/{n}  {text!r} -> {heard!r}")
        print(
            json.dumps(
                {
                    "metric": "WER, app prompts at telephone quality (Whisper base)",
                    "voice": name,
                    "wer": round(edits / total, 3),
                    "exact": f"{exact}/{len(texts)}",
                    "words": total,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--voices", nargs="*", default=["pm_alex", "pf_dora", "pm_santa", "espeak"])
    ap.add_argument("--show", action="store_true", help="print each transcript")
    a = ap.parse_args()
    asyncio.run(main(a.voices, a.show))
