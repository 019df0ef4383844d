"""Azure AI Speech (azure-cognitiveservices-speech), as speech-to-text and text-to-speech use it.

One place for what the two share: the key and region check (`credentials`),
the SpeechConfig (`speech_config`), and running the SDK's blocking calls off
the event loop (`SdkThreads`, `release_off_loop`).

Why daemon threads and not `asyncio.to_thread`. Measured here (SDK 1.53,
service unreachable): releasing a recognizer after a failed connection blocks
~10 s, and while such releases ran on other threads (the loop, the default
executor), `recognize_once_async().get()` sometimes never returned. A stuck call
in the default executor hangs loop shutdown and process exit; a release on the
loop thread freezes every call's audio. So the waiting calls run on daemon
threads, and native handles are released on a throw-away daemon thread.

The SDK is imported only by `speech_config` and the backends: `portaria
check-config` runs `credentials` without loading it.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

KEY_ENV = "AZURE_SPEECH_KEY"
REGION_ENV = "AZURE_SPEECH_REGION"
_REGION = re.compile(r"^[a-z0-9]+$")  # e.g. "brazilsouth", "eastus2"

T = TypeVar("T")


@dataclass(frozen=True)
class Credentials:
    key: str
    region: str
    host: str | None

    def __repr__(self) -> str:
        return f"Credentials(key=***, region={self.region!r}, host={self.host!r})"


def credentials(
    what: str,
    section: str,
    *,
    key: str | None,
    region: str | None,
    host: str | None,
    error: type[Exception],
) -> Credentials:
    """Key and region from the arguments or AZURE_SPEECH_KEY / AZURE_SPEECH_REGION.

    `what` ("speech-to-text") and `section` ("stt") make the message name the
    setting to fix. `host` (e.g. "ws://localhost:5000") targets a self-hosted
    Speech container, which needs neither region nor (usually) key.
    """
    key = (key if key is not None else os.environ.get(KEY_ENV, "")).strip()
    region = (region if region is not None else os.environ.get(REGION_ENV, "")).strip()
    if not host:
        if not key:
            raise error(f"Azure {what} needs a key: set {KEY_ENV}")
        if not region:
            raise error(
                f"Azure {what} needs a region: set {REGION_ENV} or {section}.azure_region "
                "(e.g. brazilsouth)"
            )
        if not _REGION.match(region):
            raise error(
                f"{region!r} is not an Azure region name "
                "(lowercase letters and digits, e.g. brazilsouth)"
            )
    return Credentials(key, region, host)


def speech_config(
    creds: Credentials, error: type[Exception], configure: Callable[[Any], None], detail: str
) -> Any:
    """A SpeechConfig for `creds`, set up by `configure`; `error` when the SDK refuses it.

    The SDK's own messages are bare error codes ("5"): the error says which input
    it refused (`detail` adds the language or voice).
    """
    import azure.cognitiveservices.speech as speechsdk

    try:
        if creds.host:
            config = speechsdk.SpeechConfig(host=creds.host, subscription=creds.key or None)
        else:
            config = speechsdk.SpeechConfig(subscription=creds.key, region=creds.region)
        configure(config)
    except (RuntimeError, ValueError) as exc:
        raise error(
            f"Azure SDK rejected the speech config (region={creds.region!r}, "
            f"host={creds.host!r}, {detail}): {exc}"
        ) from exc
    return config


def release_off_loop(native: list[Any]) -> None:
    """Drop the last references to SDK objects on a daemon thread of their own.

    Measured: after a failed connection, releasing a recognizer blocks ~10 s.
    The caller must hold no other reference (it passes its only list).
    """
    if not native:
        return
    held = native.copy()
    native.clear()
    threading.Thread(target=held.clear, name="azure-release", daemon=True).start()


class SdkThreads:
    """Runs blocking SDK calls on daemon threads, at most `limit` at a time.

    A slot is freed when the thread really returns, not when the caller stops
    waiting (timeout, hang-up): a stuck call keeps its thread and connection, and
    the limit must count it. If every slot is stuck, calls time out and the
    dialog falls back (keypad, espeak-ng) instead of threads piling up.
    """

    def __init__(self, limit: int, name: str) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._name = name
        self.running = 0

    async def run(self, fn: Callable[[], T]) -> T:
        await self._slots.acquire()
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[T] = loop.create_future()
        self.running += 1

        def finish(ok: bool, value: Any) -> None:  # on the loop
            self.running -= 1
            self._slots.release()
            if fut.done():
                return  # the caller gave up long ago
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(value)

        def target() -> None:  # on the daemon thread
            ok, value = True, cast(Any, None)
            try:
                value = fn()
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
                ok, value = False, exc
            try:
                loop.call_soon_threadsafe(finish, ok, value)
            except RuntimeError:
                pass  # the loop is gone (shutdown); nobody is waiting

        threading.Thread(target=target, name=self._name, daemon=True).start()
        return await fut
