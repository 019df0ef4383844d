"""A scripted stand-in for OpenAI's `/v1/audio/speech`, on a real local HTTP port.

It speaks the real wire format: a JSON body (model, input, voice,
response_format, speed, instructions), raw audio bytes back with the format's
content-type, OpenAI's error JSON on errors. So the official SDK runs unmodified
against it. Each reply holds 24 kHz s16le mono PCM (OpenAI's "pcm" rate); asked
for "wav", the server wraps the same samples in a WAV header.

    async with ScriptedSpeechServer([SpeechReply(pcm=tone)]) as srv:
        tts = OpenAITts(base_url=srv.base_url, api_key="test")
        ...
        srv.requests[0].body["voice"]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import struct
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.harness.fakes.loopback import LoopbackServer
from tests.harness.fakes.openai_server import Reply as _ErrorReply
from tests.harness.fakes.stall import Stall, stalled

PCM_RATE = 24000
FORMATS = {
    "mp3": "audio/mpeg",
    "opus": "audio/opus",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
}
# What this fake can produce without an encoder.
_PRODUCED = {"pcm", "wav"}


def _error(status: int, message: str | None = None, param: str | None = None) -> JSONResponse:
    body: dict[str, Any] = _ErrorReply.error(status, message).error_body()
    body["error"]["param"] = param
    return JSONResponse(body, status_code=status)


def wav_bytes(pcm: bytes, rate: int = PCM_RATE, *, streamed: bool = False) -> bytes:
    """A 16-bit mono WAV; `streamed` writes 0xFFFFFFFF sizes, as a server that
    starts sending before it knows the length does."""
    data_size = 0xFFFFFFFF if streamed else len(pcm)
    riff_size = 0xFFFFFFFF if streamed else 36 + len(pcm)
    return (
        b"RIFF"
        + struct.pack("<I", riff_size)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
        + b"data"
        + struct.pack("<I", data_size)
        + pcm
    )


@dataclass(frozen=True)
class SpeechReply:
    """One scripted answer: audio (24 kHz s16le) or an error status, after `delay_s`;
    `stall` sends it the way a stalled server would (tests/harness/fakes/stall.py)."""

    pcm: bytes = b""
    delay_s: float = 0.0
    stall: Stall | None = None
    status: int = 200
    message: str | None = None
    # Overrides for misbehaving-server tests (e.g. 200 with "application/json").
    content_type: str | None = None
    body: bytes | None = None
    streamed_wav: bool = False


@dataclass(frozen=True)
class SpeechRequest:
    body: dict[str, Any]
    authorization: str | None
    accept: str | None

    @property
    def input(self) -> str:
        return str(self.body.get("input", ""))


class ScriptedSpeechServer(LoopbackServer):
    def __init__(self, script: Iterable[SpeechReply] = (), *, api_key: str | None = None) -> None:
        super().__init__()
        self._script: deque[SpeechReply] = deque(script)
        self.api_key = api_key  # when set, requests without "Bearer <api_key>" get 401
        self.requests: list[SpeechRequest] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def push(self, *replies: SpeechReply) -> None:
        self._script.extend(replies)

    async def _handle(self, request: Request) -> Response:
        auth = request.headers.get("authorization")
        if self.api_key is not None and auth != f"Bearer {self.api_key}":
            return _error(401)
        if not request.headers.get("content-type", "").startswith("application/json"):
            return _error(400, "Expected a JSON body.")
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _error(400, "We could not parse the JSON body of your request.")
        if not isinstance(body, dict):
            return _error(400, "The request body must be a JSON object.")
        self.requests.append(SpeechRequest(body, auth, request.headers.get("accept")))
        for required in ("model", "input", "voice"):
            if not body.get(required):
                return _error(400, f"Missing required parameter: '{required}'.", required)
        if len(str(body["input"])) > 4096:
            return _error(
                400, "string too long. Expected a string with maximum length 4096.", "input"
            )
        fmt = body.get("response_format", "mp3")
        if fmt not in FORMATS:
            return _error(400, f"Invalid value: '{fmt}'.", "response_format")
        speed = body.get("speed", 1.0)
        if not isinstance(speed, (int, float)) or not 0.25 <= speed <= 4.0:
            return _error(400, f"{speed} is not in [0.25, 4.0].", "speed")
        reply = (
            self._script.popleft()
            if self._script
            else SpeechReply(status=500, message="scripted server: no reply left in the script")
        )
        if reply.delay_s > 0 and self._closing is not None:
            # Ends early when the server shuts down: no test waits for a delay
            # whose client already gave up.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), reply.delay_s)
        answer = self._reply_body(reply, fmt)
        return answer if reply.stall is None else await stalled(answer, reply.stall, self._closing)

    @staticmethod
    def _reply_body(reply: SpeechReply, fmt: str) -> Response:
        if reply.status != 200:
            return _error(reply.status, reply.message)
        if reply.body is not None:
            return Response(reply.body, media_type=reply.content_type or FORMATS[fmt])
        if fmt not in _PRODUCED:
            return _error(400, f"the fake server cannot encode {fmt!r}", "response_format")
        audio = reply.pcm if fmt == "pcm" else wav_bytes(reply.pcm, streamed=reply.streamed_wav)
        return Response(audio, media_type=reply.content_type or FORMATS[fmt])

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/audio/speech", self._handle, methods=["POST"])])
