"""How long a backend call may take and how many may run at once: one helper for STT, TTS, NLU.

Every cloud call needs the same two bounds. The deadline covers the whole call,
the wait for a concurrency slot included, because what matters is how long the
caller at the gate hears silence; an SDK's own timeout is per HTTP phase
(connect, each read), so a server trickling its answer a byte at a time never
trips it. The semaphore belongs to the backend instance (a cloud account's
concurrent-request quota), not to a call.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field


class Expired(Exception):
    """This call's whole-call deadline passed (not a TimeoutError of the backend's own)."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(f"no answer within {timeout_s:g} s")
        self.timeout_s = timeout_s


@dataclass
class Admission:
    """When the call asked for a slot and when it got one (queue time in logs)."""

    asked: float = field(default_factory=time.monotonic)
    admitted: float | None = None

    @property
    def queued_s(self) -> float:
        return (self.admitted if self.admitted is not None else time.monotonic()) - self.asked


class CallLimits:
    """At most `max_concurrency` calls in flight (None: no limit here), each within `timeout_s`.

    `error` is raised for settings that cannot work (a backend passes its config error).
    """

    def __init__(
        self,
        timeout_s: float,
        max_concurrency: int | None = None,
        error: type[Exception] = ValueError,
    ) -> None:
        if timeout_s <= 0:
            raise error(f"timeout_s must be > 0, got {timeout_s}")
        if max_concurrency is not None and max_concurrency < 1:
            raise error(f"max_concurrency must be >= 1, got {max_concurrency}")
        self.timeout_s = timeout_s
        self.max_concurrency = max_concurrency
        self._slots = asyncio.Semaphore(max_concurrency) if max_concurrency else None

    @contextlib.asynccontextmanager
    async def call(self) -> AsyncIterator[Admission]:
        """The body runs holding a slot, within the deadline.

        Raises Expired when the deadline passed; a TimeoutError the body raised by
        itself (a socket's) passes unchanged, so the two read differently in logs.
        A cancellation (the caller hung up) stays a CancelledError.
        """
        admission = Admission()
        deadline = asyncio.timeout(self.timeout_s)
        try:
            async with deadline:
                if self._slots is None:
                    admission.admitted = admission.asked
                    yield admission
                else:
                    async with self._slots:
                        admission.admitted = time.monotonic()
                        yield admission
        except TimeoutError:
            if deadline.expired():
                raise Expired(self.timeout_s) from None
            raise
