"""Asterisk REST Interface client on httpx: the dozen calls Portaria uses, typed.

Why our own and not aioari/ari-py: see README ("Dependencies").
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import httpx
import structlog

from app.ari.models import AriError, AriUnavailable, Bridge, Channel

log = structlog.get_logger(__name__)

IDEMPOTENT = frozenset({"GET", "DELETE", "PUT"})
RETRY_ATTEMPTS = 3
RETRY_PAUSE_S = 0.1  # times the attempt number: 0.1 s, then 0.2 s
RETRIED = (
    httpx.RemoteProtocolError,
    httpx.ConnectError,
    httpx.ReadError,
    httpx.WriteError,
    httpx.TimeoutException,
)


class AriClient:
    def __init__(
        self, base_url: str, username: str, password: str, app: str, timeout: float = 5.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.app = app
        self._username = username
        self._password = password
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/ari",
            auth=(username, password),
            timeout=timeout,
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
        )

    @property
    def events_url(self) -> str:
        ws = "ws" + self.base_url[4:] if self.base_url.startswith("http") else self.base_url
        return f"{ws}/ari/events?app={quote(self.app)}&subscribeAll=false"

    @property
    def credentials(self) -> tuple[str, str]:
        return self._username, self._password

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(
        self, method: str, path: str, params: dict[str, Any] | None = None, json: Any = None
    ) -> Any:
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        # The one retry policy for ARI (callers add none of their own). Only idempotent
        # requests are sent again: a busy Asterisk sometimes drops a kept-alive connection
        # as we reuse it (reset, or closed with no response), or answers too late under
        # load; the same DELETE once more, after a pause, then deletes what a call left.
        attempts = RETRY_ATTEMPTS if method in IDEMPOTENT else 1
        for attempt in range(1, attempts + 1):
            try:
                resp = await self._http.request(method, path, params=clean, json=json)
                break
            except httpx.TransportError as exc:
                if attempt == attempts or not isinstance(exc, RETRIED):
                    raise AriUnavailable(method, path, f"{type(exc).__name__}: {exc}") from exc
                log.info(
                    "ari_retry", method=method, path=path, attempt=attempt, error=type(exc).__name__
                )
                await asyncio.sleep(RETRY_PAUSE_S * attempt)
        if resp.status_code >= 400:
            try:
                message = str(resp.json().get("message", resp.text))
            except ValueError:
                message = resp.text or resp.reason_phrase
            raise AriError(method, path, resp.status_code, message)
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json()

    # -- asterisk ------------------------------------------------------------
    async def info(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("GET", "/asterisk/info")
        return result

    # -- channels ------------------------------------------------------------
    async def list_channels(self) -> list[Channel]:
        return [Channel.from_json(c) for c in await self._call("GET", "/channels")]

    async def get_channel(self, channel_id: str) -> Channel:
        return Channel.from_json(await self._call("GET", f"/channels/{channel_id}"))

    async def answer(self, channel_id: str) -> None:
        await self._call("POST", f"/channels/{channel_id}/answer")

    async def hangup(
        self, channel_id: str, reason: str = "normal", missing_ok: bool = True
    ) -> None:
        """End a call leg over ARI (the only way the app ends calls)."""
        try:
            await self._call("DELETE", f"/channels/{channel_id}", {"reason": reason})
        except AriError as exc:
            if not (missing_ok and exc.not_found):
                raise

    async def originate(
        self,
        endpoint: str,
        *,
        app: str | None = None,
        app_args: str | None = None,
        extension: str | None = None,
        context: str | None = None,
        priority: int | None = None,
        caller_id: str | None = None,
        timeout: int | None = None,
        channel_id: str | None = None,
        variables: dict[str, str] | None = None,
    ) -> Channel:
        params: dict[str, Any] = {
            "endpoint": endpoint,
            "app": app,
            "appArgs": app_args,
            "extension": extension,
            "context": context,
            "priority": priority,
            "callerId": caller_id,
            "timeout": timeout,
            "channelId": channel_id,
        }
        body = {"variables": variables} if variables else None
        return Channel.from_json(await self._call("POST", "/channels", params, json=body))

    async def external_media(
        self,
        *,
        external_host: str,
        data: str,
        format: str = "slin",
        channel_id: str | None = None,
        app: str | None = None,
    ) -> Channel:
        params = {
            "app": app or self.app,
            "external_host": external_host,
            "format": format,
            "encapsulation": "audiosocket",
            "transport": "tcp",
            "data": data,
            "channelId": channel_id,
        }
        return Channel.from_json(await self._call("POST", "/channels/externalMedia", params))

    async def send_dtmf(
        self, channel_id: str, dtmf: str, between_ms: int = 100, duration_ms: int = 100
    ) -> None:
        await self._call(
            "POST",
            f"/channels/{channel_id}/dtmf",
            {"dtmf": dtmf, "between": between_ms, "duration": duration_ms},
        )

    async def ring(self, channel_id: str) -> None:
        await self._call("POST", f"/channels/{channel_id}/ring")

    async def play(
        self, channel_id: str, media: str, playback_id: str | None = None
    ) -> dict[str, Any]:
        params = {"media": media, "playbackId": playback_id}
        result: dict[str, Any] = await self._call("POST", f"/channels/{channel_id}/play", params)
        return result

    async def stop_playback(self, playback_id: str) -> None:
        await self._call("DELETE", f"/playbacks/{playback_id}")

    async def record(
        self,
        channel_id: str,
        name: str,
        *,
        max_seconds: int = 5,
        max_silence_seconds: int = 2,
        fmt: str = "wav",
        beep: bool = False,
    ) -> dict[str, Any]:
        params = {
            "name": name,
            "format": fmt,
            "maxDurationSeconds": max_seconds,
            "maxSilenceSeconds": max_silence_seconds,
            "ifExists": "overwrite",
            "beep": "true" if beep else "false",
            "terminateOn": "#",
        }
        result: dict[str, Any] = await self._call("POST", f"/channels/{channel_id}/record", params)
        return result

    async def get_variable(self, channel_id: str, name: str) -> str:
        result = await self._call("GET", f"/channels/{channel_id}/variable", {"variable": name})
        return str(result.get("value", "")) if result else ""

    # -- bridges -------------------------------------------------------------
    async def list_bridges(self) -> list[Bridge]:
        return [Bridge.from_json(b) for b in await self._call("GET", "/bridges")]

    async def create_bridge(
        self, bridge_type: str = "mixing", name: str | None = None, bridge_id: str | None = None
    ) -> Bridge:
        """`bridge_id` chosen by the caller: known even if the request times out after
        Asterisk created the bridge, so it can still be destroyed."""
        return Bridge.from_json(
            await self._call(
                "POST", "/bridges", {"type": bridge_type, "name": name, "bridgeId": bridge_id}
            )
        )

    async def destroy_bridge(self, bridge_id: str, missing_ok: bool = True) -> None:
        try:
            await self._call("DELETE", f"/bridges/{bridge_id}")
        except AriError as exc:
            if not (missing_ok and exc.not_found):
                raise

    async def add_channels(self, bridge_id: str, channel_ids: list[str]) -> None:
        await self._call(
            "POST", f"/bridges/{bridge_id}/addChannel", {"channel": ",".join(channel_ids)}
        )

    async def remove_channels(self, bridge_id: str, channel_ids: list[str]) -> None:
        await self._call(
            "POST", f"/bridges/{bridge_id}/removeChannel", {"channel": ",".join(channel_ids)}
        )
