"""The tasks one owner (a call, or the Stasis app) started in the background.

asyncio keeps only a weak reference to a task: one nobody holds can be
collected mid-flight, and one nobody awaits loses its exception. Every
background task in a call's life is spawned here, held until it is done, its
failure logged, and cancelled and awaited when its owner closes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

import structlog

log = structlog.get_logger(__name__)


class TaskOwner:
    def __init__(self, name: str) -> None:
        self.name = name
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """Run `coro` in the background; a failure is logged rather than lost."""

        async def run() -> Any:
            try:
                return await coro
            except Exception as exc:  # noqa: BLE001 - a background step never ends its owner
                log.warning("background_failed", owner=self.name, what=what, error=str(exc))
                return None

        task = asyncio.get_running_loop().create_task(run(), name=f"{self.name}:{what}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def __len__(self) -> int:
        return len(self._tasks)

    async def close(self, timeout: float = 3.0) -> None:
        """Cancel what is still running (never the task closing us) and wait for it to stop."""
        me = asyncio.current_task()
        pending = [t for t in self._tasks if t is not me and not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait(pending, timeout=timeout)

    async def drain(self, timeout: float) -> None:
        """Let what is running finish (up to `timeout`), then cancel the rest."""
        me = asyncio.current_task()
        pending = [t for t in self._tasks if t is not me and not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=timeout)
        await self.close()
