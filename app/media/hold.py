"""Covers dead air while a turn is being worked on.

A caller who stops talking and then hears nothing for more than two or three
seconds thinks the line died, and at a gate they press the button again or
leave. Recognition, understanding and synthesis can each stall (a slow cloud,
a timeout, a retry), so whenever the caller's turn is being processed a short
phrase ("Só um instante.") is played once `after_s` has passed since the last
sound of the exchange, and again after each further `after_s`, a few times at
most. The real reply is queued behind it on the leg, so it is never cut off.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import structlog

from app.media.leg import MediaLeg
from app.metrics import HOLD_FILLERS

log = structlog.get_logger(__name__)

Synthesize = Callable[[str, int], Awaitable[bytes]]


class HoldFiller:
    def __init__(
        self, synthesize: Synthesize, phrase: str, after_s: float, max_times: int = 3
    ) -> None:
        self._synthesize = synthesize
        self.phrase = phrase
        self.after_s = after_s
        self.max_times = max_times
        self._task: asyncio.Task[None] | None = None
        self.played = 0  # fillers started since the last start(), for the turn record

    @property
    def enabled(self) -> bool:
        return self.after_s > 0 and bool(self.phrase.strip())

    def start(self, leg: MediaLeg, since: float) -> None:
        """The caller's turn ended at `since` (monotonic); cover the wait from now on."""
        self.stop()
        self.played = 0
        if self.enabled:
            self._task = asyncio.create_task(self._run(leg, since), name=f"hold-{leg.id}")

    def stop(self) -> None:
        """Our reply is ready (or the call is over); a filler already playing finishes."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    async def _run(self, leg: MediaLeg, since: float) -> None:
        quiet_since = since
        for _ in range(self.max_times):
            await asyncio.sleep(max(0.0, quiet_since + self.after_s - time.monotonic()))
            if leg.closed.is_set():
                return
            if leg.playing:
                # Something is already being said: count silence from its end.
                await leg.wait_idle()
                quiet_since = time.monotonic()
                continue
            try:
                pcm = await self._synthesize(self.phrase, leg.sample_rate)
            except Exception as exc:  # noqa: BLE001 — a filler must never break the call
                log.warning("hold_filler_failed", error=repr(exc))
                return
            self.played += 1
            HOLD_FILLERS.inc()
            log.info(
                "hold_filler", waited_s=round(time.monotonic() - quiet_since, 2), n=self.played
            )
            await leg.play(pcm, label="hold").done
            quiet_since = time.monotonic()
