"""A test phone: a Local channel that dials an extension of the shipped
dialplan and records what it hears (tests/asterisk/extensions_test.conf).
"""

from __future__ import annotations

import asyncio
import uuid
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.ari import AriClient, AriError
from tests.harness.asterisk import AsteriskEnv


@dataclass
class PhoneCall:
    channel_id: str
    rec_local: Path
    ari: AriClient

    async def wait_hung_up(self, timeout: float = 30.0) -> float:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        pause = (
            0.05  # backing off: dozens of phones polling every 50 ms load Asterisk's HTTP server
        )
        while loop.time() - t0 < timeout:
            try:
                await self.ari.get_channel(self.channel_id)
            except AriError as exc:
                if exc.not_found:
                    return loop.time() - t0
                raise
            await asyncio.sleep(pause)
            pause = min(pause * 1.5, 0.5)
        raise TimeoutError(f"test phone {self.channel_id} still up after {timeout} s")

    async def hang_up(self) -> None:
        await self.ari.hangup(self.channel_id)

    async def heard(self, timeout: float = 5.0) -> tuple[np.ndarray, int]:
        """What the phone heard, once MixMonitor has closed the file."""
        return await self._recording("heard", timeout)

    async def said(self, timeout: float = 5.0) -> tuple[np.ndarray, int]:
        """What the phone sent (test-talker phones record it)."""
        return await self._recording("said", timeout)

    async def _recording(self, which: str, timeout: float) -> tuple[np.ndarray, int]:
        path = Path(f"{self.rec_local}-{which}.wav")
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        last = -1
        while loop.time() - t0 < timeout:
            if path.exists():
                size = path.stat().st_size
                if size == last and size > 44:
                    break
                last = size
            await asyncio.sleep(0.2)
        with wave.open(str(path), "rb") as w:
            rate = w.getframerate()
            x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        return x, rate


class Phones:
    def __init__(self, env: AsteriskEnv, ari: AriClient) -> None:
        self.env = env
        self.ari = ari
        self.dir = env.local_dir / "calls"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.sounds = env.local_dir / "sounds"
        self.sounds.mkdir(parents=True, exist_ok=True)

    def sound(self, name: str, pcm: bytes, rate: int = 8000) -> str:
        """Write a sound the phone can play; returns the name for PLAY.

        8 kHz as WAV; 16 kHz as raw .sln16, which Asterisk plays without
        resampling to 8 kHz (so a wideband leg really gets wideband audio)."""
        if rate == 16000:
            path = self.sounds / f"{name}.sln16"
            path.write_bytes(pcm)
            return self.env.remote(path.with_suffix(""))
        path = self.sounds / f"{name}.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(pcm)
        return self.env.remote(path.with_suffix(""))

    async def dial(
        self,
        exten: str = "100",
        *,
        caller: str = "7000",
        play: str | None = None,
        predelay: float = 0.0,
        wait: float = 30.0,
        context: str = "portaria-gate",
        record: bool = True,
    ) -> PhoneCall:
        tag = f"{caller}-{uuid.uuid4().hex[:8]}"
        rec_local = self.dir / tag
        variables = {
            "REC": self.env.remote(rec_local) if record else "",
            "WAIT": str(wait),
            "PREDELAY": str(predelay),
        }
        if play:
            variables["PLAY"] = play
        ch = await self.ari.originate(
            f"Local/{exten}@{context}/n",
            context="test-phone",
            extension="s",
            priority=1,
            caller_id=f"Phone {caller} <{caller}>",
            variables=variables,
        )
        return PhoneCall(ch.id, rec_local, self.ari)


def frame_rms(x: np.ndarray, rate: int, frame_ms: int = 20) -> np.ndarray:
    n = rate * frame_ms // 1000
    f = x[: len(x) // n * n].astype(np.float64).reshape(-1, n)
    return np.asarray(np.sqrt((f**2).mean(axis=1)))


def speech_onset(x: np.ndarray, rate: int, threshold: float = 300.0) -> float | None:
    """Seconds from the start of the recording to the first 20 ms frame with speech energy."""
    rms = frame_rms(x, rate)
    loud = np.flatnonzero(rms > threshold)
    return None if loud.size == 0 else float(loud[0]) * 0.02


def dead_air(
    said: np.ndarray, heard: np.ndarray, rate: int, threshold: float = 300.0, quiet_s: float = 0.4
) -> list[float]:
    """Each time the phone stopped talking (then `quiet_s` of quiet), the seconds of
    silence it heard before the next sound; stretches followed by no sound at all
    (the call ended) are left out."""
    s, h = frame_rms(said, rate) > threshold, frame_rms(heard, rate) > threshold
    quiet = round(quiet_s / 0.02)
    gaps: list[float] = []
    loud = np.flatnonzero(s)
    for i in loud:
        if s[i + 1 : i + 1 + quiet].any():
            continue  # still talking
        after = np.flatnonzero(h[i + 1 :])
        if after.size:
            gaps.append(round(float(after[0] + 1) * 0.02, 2))
    return gaps


def longest_quiet(x: np.ndarray, rate: int, threshold: float = 300.0) -> float:
    """Seconds of the longest silence between the first and the last sound heard."""
    loud = np.flatnonzero(frame_rms(x, rate) > threshold)
    if loud.size < 2:
        return 0.0
    return round(float(np.diff(loud).max() - 1) * 0.02, 2)


def dominant_frequency(x: np.ndarray, rate: int) -> float:
    spec = np.abs(np.fft.rfft(x.astype(np.float64) * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[int(np.argmax(spec[5:])) + 5])
