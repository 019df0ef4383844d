"""Ringing a resident: originate their endpoint into our Stasis app and wait for
StasisStart (answered) or ChannelDestroyed (busy, no answer, failed: by cause)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import structlog

from app.ari import AriClient, AriError, AriUnavailable
from app.calls.media import CHANNEL_PREFIX
from app.calls.registry import SessionManager
from app.config import ResidentCallSettings
from app.dialog.ports import RingOutcome
from app.dialog.session import Session
from app.records import CallLog

log = structlog.get_logger(__name__)

# ChannelDestroyed causes (Q.850) of a resident leg that never answered.
BUSY_CAUSES = {17}
NO_ANSWER_CAUSES = {18, 19, 16, 0}


def ring_outcome(cause: int) -> RingOutcome:
    if cause in BUSY_CAUSES:
        return "busy"
    return "no_answer" if cause in NO_ANSWER_CAUSES else "failed"


class ResidentDialler:
    def __init__(
        self,
        session: Session,
        ari: AriClient,
        sessions: SessionManager,
        settings: ResidentCallSettings,
        app_name: str,
        log_: CallLog,
        publish: Callable[..., None],
        connect: Callable[[str], Awaitable[object]],
    ) -> None:
        self._session, self._ari, self._sessions = session, ari, sessions
        self._settings, self._app_name, self._log = settings, app_name, log_
        self._publish, self._connect = publish, connect
        self._ring: tuple[str, asyncio.Future[RingOutcome]] | None = None

    async def ring(self, number: str) -> RingOutcome:
        rc = self._settings
        ch_id = f"{CHANNEL_PREFIX}res-{uuid.uuid4()}"
        if not self._sessions.bind_channel(self._session, ch_id):
            return "visitor_gone"  # the call ended: nobody would be there to talk to them
        fut: asyncio.Future[RingOutcome] = asyncio.get_running_loop().create_future()
        self._ring = (ch_id, fut)
        endpoint = rc.endpoint_template.format(number=number)
        try:
            await self._ari.originate(
                endpoint,
                app=self._app_name,
                app_args=f"resident,{self._session.id}",
                caller_id=rc.caller_id,
                timeout=rc.ring_timeout_s,
                channel_id=ch_id,
            )
        except AriError as exc:
            log.warning("resident_originate_failed", endpoint=endpoint, error=str(exc))
            self._ring = None
            if isinstance(exc, AriUnavailable):
                # No answer is not a refusal: Asterisk may still create the channel and
                # ring the resident for nobody. Its id is ours, so it can be hung up.
                await self._hang_up_quietly(ch_id)
            return "failed"
        log.info("resident_ringing", endpoint=endpoint, channel=ch_id)
        self._log.event(f"chamando o morador em {endpoint}")
        self._publish(
            "resident.called",
            self._session.id,
            self._session.condominium,
            endpoint=endpoint,
            channel=ch_id,
        )
        try:
            outcome = await asyncio.wait_for(fut, rc.ring_timeout_s + 5)
        except TimeoutError:
            await self._ari.hangup(ch_id)
            outcome = "no_answer"
        finally:
            self._ring = None
        if outcome != "answered":
            return outcome
        self._session.resident_channel_id = ch_id
        try:
            await self._connect(ch_id)
        except (AriError, TimeoutError) as exc:
            log.warning("resident_media_failed", error=str(exc))
            await self._ari.hangup(ch_id)
            return "failed"
        return "answered"

    async def _hang_up_quietly(self, channel_id: str) -> None:
        try:
            await self._ari.hangup(channel_id)
        except AriError as exc:
            log.warning("resident_hangup_failed", channel=channel_id, error=str(exc))

    def answered(self, channel_id: str) -> bool:
        """The resident `channel_id` entered Stasis; False if it is not the one ringing."""
        if self._ring is None or self._ring[0] != channel_id or self._ring[1].done():
            return False
        self._ring[1].set_result("answered")
        return True

    def gone(self, channel_id: str, cause: int) -> bool:
        """A ringing resident's channel went away; False if it was not the one ringing."""
        if self._ring is None or self._ring[0] != channel_id or self._ring[1].done():
            return False
        outcome = ring_outcome(cause)
        log.info("resident_not_answered", cause=cause, outcome=outcome)
        self._ring[1].set_result(outcome)
        return True
