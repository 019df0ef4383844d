"""A scripted stand-in for OpenAI's `/v1/audio/transcriptions`, on a real local HTTP port.

It speaks the real wire format (multipart/form-data upload, JSON reply, OpenAI's
error JSON), so the official SDK runs unmodified against it. Replies are served
in order of arrival; each upload is recorded with its WAV parsed. An upload whose
audio extends the audio of one still being answered (the app's speculative guess,
given up when the caller went on talking) takes over that one's reply: the script
reads one reply per turn, however many guesses the app threw away.

    async with ScriptedTranscriptionServer(["bom dia", "quinhentos e um"]) as srv:
        stt = OpenAICompatStt(base_url=srv.base_url, api_key="test")
        ...
        srv.uploads[0].sample_rate, srv.uploads[0].duration_s, srv.uploads[0].model

    with ScriptedTranscriptionServer(["oi"]) as srv:  # sync use: runs in a thread
        ...
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import threading
import time
import wave
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.harness.fakes.loopback import LoopbackServer
from tests.harness.fakes.stall import Stall, stalled

# OpenAI's (type, code, message) for the statuses tests script.
_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests."),
    500: ("server_error", None, "The server had an error while processing your request."),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a transcript (status 200) or an error, after `delay_s`;
    `stall` sends it the way a stalled server would (tests/harness/fakes/stall.py)."""

    text: str = ""
    delay_s: float = 0.0
    stall: Stall | None = None
    status: int = 200
    message: str | None = None
    error_type: str | None = None
    error_code: str | None = None

    @classmethod
    def error(cls, status: int, message: str | None = None, *, delay_s: float = 0.0) -> Reply:
        return cls(status=status, message=message, delay_s=delay_s)

    def error_body(self) -> dict[str, Any]:
        etype, code, msg = _ERRORS.get(self.status, ("server_error", None, "Error."))
        return {
            "error": {
                "message": self.message or msg,
                "type": self.error_type or etype,
                "param": None,
                "code": self.error_code or code,
            }
        }


@dataclass(frozen=True)
class Upload:
    """What one request carried, the WAV header already read."""

    fields: dict[str, str]
    filename: str
    content_type: str
    sample_rate: int
    channels: int
    sample_width: int
    frames: int
    authorization: str | None
    received_at: float = field(default_factory=time.monotonic)

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate

    @property
    def model(self) -> str | None:
        return self.fields.get("model")

    @property
    def language(self) -> str | None:
        return self.fields.get("language")

    @property
    def prompt(self) -> str | None:
        return self.fields.get("prompt")

    @property
    def response_format(self) -> str | None:
        return self.fields.get("response_format")


@dataclass
class _Pending:
    """A request being answered: its audio and the reply it will get."""

    pcm: bytes
    reply: Reply


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(Reply.error(status, message).error_body(), status_code=status)


class ScriptedTranscriptionServer(LoopbackServer):
    def __init__(self, script: Iterable[str | Reply] = (), *, api_key: str | None = None) -> None:
        super().__init__()
        self._script: deque[Reply] = deque(
            r if isinstance(r, Reply) else Reply(text=r) for r in script
        )
        self.api_key = api_key  # when set, requests without "Bearer <api_key>" get 401
        self.uploads: list[Upload] = []
        # (shortest, longest, text): an upload of that length gets `text`, before the script
        # is read. For apps that may or may not send an extra upload (a speculative one).
        self.by_duration: list[tuple[float, float, str]] = []
        self.requests = 0
        self.taken_over = 0  # replies an extending upload took from a pending one
        self._pending: list[_Pending] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def push(self, *replies: str | Reply) -> None:
        self._script.extend(r if isinstance(r, Reply) else Reply(text=r) for r in replies)

    async def _handle(self, request: Request) -> Response:
        self.requests += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self._answer(request)
        finally:
            self.in_flight -= 1

    async def _answer(self, request: Request) -> Response:
        auth = request.headers.get("authorization")
        if self.api_key is not None and auth != f"Bearer {self.api_key}":
            return JSONResponse(Reply.error(401).error_body(), status_code=401)
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            return _error(400, "Expected multipart/form-data.")
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return _error(400, "Missing required parameter: 'file'.")
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        if not fields.get("model"):
            return _error(400, "you must provide a model parameter")
        data = await upload.read()
        try:
            with wave.open(io.BytesIO(data), "rb") as w:
                params = w.getparams()
                pcm = w.readframes(params.nframes)
        except (wave.Error, EOFError) as exc:
            return _error(400, f"Invalid file format: {exc}")
        self.uploads.append(
            Upload(
                fields=fields,
                filename=upload.filename or "",
                content_type=upload.content_type or "",
                sample_rate=params.framerate,
                channels=params.nchannels,
                sample_width=params.sampwidth,
                frames=params.nframes,
                authorization=auth,
            )
        )
        duration_s = params.nframes / params.framerate
        pending = _Pending(pcm, self._next_reply(pcm, duration_s))
        self._pending.append(pending)
        try:
            delay_s = pending.reply.delay_s
            if delay_s > 0 and self._closing is not None:
                # Ends early when the server shuts down, so a test never waits for a delay
                # whose client already gave up.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), delay_s)
        finally:
            self._pending.remove(pending)
        reply = pending.reply
        answer = self._reply_body(reply, fields, duration_s)
        return answer if reply.stall is None else await stalled(answer, reply.stall, self._closing)

    def _next_reply(self, pcm: bytes, duration_s: float) -> Reply:
        keyed = [Reply(text=t) for lo, hi, t in self.by_duration if lo <= duration_s < hi]
        if keyed:
            return keyed[0]
        extended = [p for p in self._pending if len(p.pcm) < len(pcm) and pcm.startswith(p.pcm)]
        if extended:
            # Its client went on to this longer audio: it has no use for that reply any more.
            taken, extended[-1].reply = extended[-1].reply, Reply(text="")
            self.taken_over += 1
            return taken
        if self._script:
            return self._script.popleft()
        return Reply.error(500, "scripted server: no reply left in the script")

    @staticmethod
    def _reply_body(reply: Reply, fields: dict[str, str], duration_s: float) -> Response:
        if reply.status != 200:
            return JSONResponse(reply.error_body(), status_code=reply.status)
        fmt = fields.get("response_format", "json")
        if fmt == "text":
            return PlainTextResponse(reply.text)
        if fmt == "verbose_json":
            return JSONResponse(
                {
                    "task": "transcribe",
                    "language": fields.get("language", ""),
                    "duration": duration_s,
                    "text": reply.text,
                    "segments": [],
                }
            )
        return JSONResponse({"text": reply.text})

    # --- asyncio use -------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/audio/transcriptions", self._handle, methods=["POST"])])

    # --- sync use: the same server on its own loop in a thread ---------------

    def start_in_thread(self) -> None:
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # noqa: BLE001 - reported to the starting thread
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread_loop = loop
        self._thread = threading.Thread(target=run, name="fake-openai", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]

    def stop_thread(self) -> None:
        if self._thread is None or self._thread_loop is None:
            return
        self._thread_loop.call_soon_threadsafe(self._thread_loop.stop)
        self._thread.join(10)
        self._thread = None
        self._thread_loop = None

    def __enter__(self) -> Self:
        self.start_in_thread()
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop_thread()
