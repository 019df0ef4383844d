"""Embedded TTS: espeak-ng's Brazilian Portuguese voice. Needs no key or network."""

from __future__ import annotations

import asyncio
import shutil

from app.media.pcm import resample, trim_silence, wav_to_pcm
from app.media.tts.base import TtsError


class EspeakTts:
    name = "espeak"

    def __init__(
        self, voice: str = "pt-br", speed: int = 165, pitch: int = 45, max_concurrency: int = 2
    ) -> None:
        exe = shutil.which("espeak-ng")
        if exe is None:
            raise TtsError(
                "espeak: the espeak-ng program is not installed (apt-get install espeak-ng)"
            )
        self._exe = exe
        self.voice = voice
        self.speed = speed
        self.pitch = pitch
        self._limit = asyncio.Semaphore(max_concurrency)

    @property
    def voice_key(self) -> str:
        return f"espeak:{self.voice}:s{self.speed}:p{self.pitch}"

    async def synthesize(self, text: str, sample_rate: int) -> bytes:
        async with self._limit:
            proc = await asyncio.create_subprocess_exec(
                self._exe,
                "-v",
                self.voice,
                "-s",
                str(self.speed),
                "-p",
                str(self.pitch),
                "--stdout",
                text,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await proc.communicate()
        if proc.returncode != 0 or not out:
            raise TtsError(
                f"espeak: exit {proc.returncode}: {err.decode(errors='replace').strip()}"
            )
        pcm, rate = wav_to_pcm(out)
        # espeak-ng's WAV header leaves the length fields unset; wave copes, but
        # trailing silence is long: trim it so replies start and end promptly.
        return trim_silence(resample(pcm, rate, sample_rate), sample_rate)
