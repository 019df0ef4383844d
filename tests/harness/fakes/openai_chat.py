"""A scripted stand-in for OpenAI's `/v1/chat/completions`, on a real local HTTP port.

It speaks the real wire format (JSON request with model/messages/response_format,
a `chat.completion` object back with choices, usage and id, OpenAI's error JSON),
and enforces the checks the real API makes that matter to us (a model, a
non-empty messages list, and the word "json" somewhere in the messages when
`response_format` is `json_object`), so the official SDK runs unmodified.

    async with ScriptedChatServer([ChatReply({"intent": "entrega"})]) as srv:
        llm = LlmExtractor(srv.base_url, "gpt-test", "sk-test")
        ...
        srv.requests[0].body["response_format"]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.harness.fakes.loopback import LoopbackServer
from tests.harness.fakes.stall import Stall, stalled

_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests."),
    500: ("server_error", None, "The server had an error while processing your request."),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}


@dataclass(frozen=True)
class ChatReply:
    """One scripted answer: `content` (a dict is sent as its JSON text) or an error status;
    `stall` sends it the way a stalled server would (tests/harness/fakes/stall.py)."""

    content: str | dict[str, Any] = ""
    delay_s: float = 0.0
    stall: Stall | None = None
    status: int = 200
    message: str | None = None

    @classmethod
    def error(cls, status: int, message: str | None = None, *, delay_s: float = 0.0) -> ChatReply:
        return cls(status=status, message=message, delay_s=delay_s)

    @property
    def text(self) -> str:
        return self.content if isinstance(self.content, str) else json.dumps(self.content)


@dataclass(frozen=True)
class ChatRequest:
    body: dict[str, Any]
    authorization: str | None
    received_at: float = field(default_factory=time.monotonic)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    def content_of(self, role: str) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages if m.get("role") == role)


def _error(status: int, message: str | None = None) -> JSONResponse:
    etype, code, default = _ERRORS.get(status, ("server_error", None, "Error."))
    body = {"error": {"message": message or default, "type": etype, "param": None, "code": code}}
    return JSONResponse(body, status_code=status)


class ScriptedChatServer(LoopbackServer):
    def __init__(self, script: Iterable[ChatReply] = (), *, api_key: str | None = None) -> None:
        super().__init__()
        self._script: deque[ChatReply] = deque(script)
        self.api_key = api_key  # when set, requests without "Bearer <api_key>" get 401
        self.requests: list[ChatRequest] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def push(self, *replies: ChatReply) -> None:
        self._script.extend(replies)

    def reset(self) -> None:
        """Forget the script and the requests: one server can serve many tests."""
        self._script.clear()
        self.requests.clear()

    async def _handle(self, request: Request) -> Response:
        auth = request.headers.get("authorization")
        if self.api_key is not None and auth != f"Bearer {self.api_key}":
            return _error(401)
        if not request.headers.get("content-type", "").startswith("application/json"):
            return _error(400, "Expected a JSON body.")
        try:
            body = json.loads(await request.body())
        except json.JSONDecodeError:
            return _error(400, "We could not parse the JSON body of your request.")
        if not isinstance(body, dict):
            return _error(400, "The body must be a JSON object.")
        self.requests.append(ChatRequest(body, auth))
        problem = _check(body)
        if problem:
            return _error(400, problem)
        reply = (
            self._script.popleft()
            if self._script
            else ChatReply.error(500, "scripted server: no reply left in the script")
        )
        if reply.delay_s > 0 and self._closing is not None:
            # Ends early when the server shuts down: no test waits on a client that gave up.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), reply.delay_s)
        answer = (
            _error(reply.status, reply.message)
            if reply.status != 200
            else JSONResponse(_completion(body, reply.text, len(self.requests)))
        )
        return answer if reply.stall is None else await stalled(answer, reply.stall, self._closing)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/chat/completions", self._handle, methods=["POST"])])


def _check(body: dict[str, Any]) -> str | None:
    """The request errors OpenAI reports for what a client of ours could get wrong."""
    if not body.get("model"):
        return "you must provide a model parameter"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "[] is too short - 'messages'"
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in (
            "system",
            "developer",
            "user",
            "assistant",
        ):
            return f"Invalid value for 'messages[{i}].role'."
    fmt = body.get("response_format")
    if fmt is not None:
        if not isinstance(fmt, dict) or fmt.get("type") not in (
            "text",
            "json_object",
            "json_schema",
        ):
            return "Invalid value for 'response_format.type'."
        said = " ".join(str(m.get("content", "")) for m in messages).lower()
        if fmt["type"] == "json_object" and "json" not in said:
            return (
                "'messages' must contain the word 'json' in some form, to use "
                "'response_format' of type 'json_object'."
            )
    return None


def _completion(body: dict[str, Any], content: str, n: int) -> dict[str, Any]:
    prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in body["messages"])
    completion_tokens = len(content.split())
    return {
        "id": f"chatcmpl-fake{n:06d}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"],
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
        "system_fingerprint": "fp_fake",
    }
