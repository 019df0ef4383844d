"""TTS cache: memory LRU in front of a disk store in front of any backend.

Prompts repeat across calls ("Condomínio Apoena, em que posso ajudar?"), so a
hit must cost microseconds. The disk key hashes everything that shapes the
audio, so changing voice or rate never plays stale audio.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections import OrderedDict
from pathlib import Path

import structlog

from app.media.tts.base import TextToSpeech

log = structlog.get_logger(__name__)


class CachedTts:
    def __init__(
        self, backend: TextToSpeech, cache_dir: Path | None, memory_bytes: int = 64 * 2**20
    ) -> None:
        self.backend = backend
        self.name = backend.name
        self._dir = cache_dir
        self.cache_dir = cache_dir
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
        self._mem: OrderedDict[str, bytes] = OrderedDict()
        self._mem_bytes = 0
        self._mem_limit = memory_bytes
        self._inflight: dict[str, asyncio.Future[bytes]] = {}
        self.hits_memory = 0
        self.hits_disk = 0
        self.misses = 0

    @property
    def voice_key(self) -> str:
        return self.backend.voice_key

    def key(self, text: str, sample_rate: int) -> str:
        raw = f"{self.backend.voice_key}|{sample_rate}|{text}".encode()
        return hashlib.sha256(raw).hexdigest()

    def get_memory(self, text: str, sample_rate: int) -> bytes | None:
        k = self.key(text, sample_rate)
        pcm = self._mem.get(k)
        if pcm is not None:
            self._mem.move_to_end(k)
        return pcm

    def cached(self, text: str, sample_rate: int) -> bytes | None:
        """Memory, then disk; never the backend."""
        k = self.key(text, sample_rate)
        pcm = self.get_memory(text, sample_rate)
        if pcm is None and (pcm := self._read_disk(k)) is not None:
            self._remember(k, pcm)
        return pcm

    async def synthesize(self, text: str, sample_rate: int) -> bytes:
        k = self.key(text, sample_rate)
        pcm = self._mem.get(k)
        if pcm is not None:
            self._mem.move_to_end(k)
            self.hits_memory += 1
            return pcm
        pcm = self._read_disk(k)
        if pcm is not None:
            self.hits_disk += 1
            self._remember(k, pcm)
            return pcm
        # Two calls asking for the same new phrase share one synthesis.
        fut = self._inflight.get(k)
        if fut is not None:
            return await asyncio.shield(fut)
        fut = asyncio.get_running_loop().create_future()
        self._inflight[k] = fut
        try:
            t0 = time.perf_counter()
            pcm = await self.backend.synthesize(text, sample_rate)
            self.misses += 1
            log.info(
                "tts_synthesized",
                backend=self.backend.name,
                chars=len(text),
                latency_ms=round((time.perf_counter() - t0) * 1000, 1),
            )
            self._write_disk(k, pcm)
            self._remember(k, pcm)
            fut.set_result(pcm)
            return pcm
        except BaseException as exc:
            fut.set_exception(exc)
            fut.exception()  # mark retrieved: waiters, if any, re-raise it themselves
            raise
        finally:
            del self._inflight[k]

    def _remember(self, k: str, pcm: bytes) -> None:
        if k in self._mem:
            return
        self._mem[k] = pcm
        self._mem_bytes += len(pcm)
        while self._mem_bytes > self._mem_limit and len(self._mem) > 1:
            _, old = self._mem.popitem(last=False)
            self._mem_bytes -= len(old)

    def _path(self, k: str) -> Path | None:
        return None if self._dir is None else self._dir / f"{k}.slin"

    def _read_disk(self, k: str) -> bytes | None:
        p = self._path(k)
        if p is None:
            return None
        try:
            return p.read_bytes()
        except FileNotFoundError:
            return None

    def _write_disk(self, k: str, pcm: bytes) -> None:
        p = self._path(k)
        if p is None:
            return
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        try:
            tmp.write_bytes(pcm)
            os.replace(tmp, p)  # atomic: a concurrent reader never sees half a file
        except OSError as exc:
            log.warning("tts_cache_write_failed", path=str(p), error=str(exc))
