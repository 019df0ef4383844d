"""`portaria say`: hear a phrase as a condominium's voice would say it, in a WAV file.

Same path as a call: the condominium's phrases cut the text into segments, each
is normalized and synthesized (through the same disk cache), and stitched with
the same pauses, at the leg's sample rate.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import wave
from pathlib import Path

from app.config import Settings
from app.media.tts.factory import CondominiumSpeech, build_voice
from app.media.tts.settings import CondominiumVoice

ESPEAK = "espeak"


async def say(settings: Settings, args: argparse.Namespace) -> str:
    key, condo = settings.condominium(args.condominium)
    tts = settings.tts
    if args.voice == ESPEAK:
        tts = tts.model_copy(update={"backend": "espeak"})
    elif args.voice is not None or args.speed is not None:
        tts = tts.model_copy(update={"backend": "kokoro"})
    own = condo.voice.model_copy(
        update={
            k: v
            for k, v in (("name", args.voice), ("speed", args.speed))
            if v is not None and v != ESPEAK
        }
    )
    voice = build_voice(
        tts,
        {
            key: CondominiumSpeech(
                CondominiumVoice.model_validate(own.model_dump()), condo.phrases.model_dump()
            )
        },
    ).for_condominium(key)
    rate = args.rate or settings.media.sample_rate
    t0 = time.perf_counter()
    pcm = b""
    segments = voice.phrasebook.segments(args.text)
    for seg in segments:
        pcm += b"\x00\x00" * (rate * seg.pause_ms // 1000) + await voice.synthesize(seg.text, rate)
    took = time.perf_counter() - t0
    out = Path(args.output)
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    spoken = " | ".join(voice.spoken(s.text) for s in segments)
    return (
        f"{out}: {len(pcm) / 2 / rate:.2f} s at {rate} Hz, {voice.primary.voice_key}, "
        f"{len(segments)} segment(s), made in {took:.2f} s\n  said: {spoken}"
    )


def main(settings: Settings, args: argparse.Namespace) -> int:
    print(asyncio.run(say(settings, args)))
    return 0
