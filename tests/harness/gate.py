"""Scenario harness: the app on the real Asterisk with the scripted OpenAI-compatible
STT server, talking test phones for the visitor and the residents, and an ARI
event tap that sees what reached the visitor's phone (the gate DTMF)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import websockets

from app.ari import AriClient
from app.records import Decision
from app.service import Service
from tests.harness.asterisk import AsteriskEnv
from tests.harness.audio import synth_speech
from tests.harness.fakes.openai_server import ScriptedTranscriptionServer
from tests.harness.live import live_service, scenario_settings
from tests.harness.phone import PhoneCall, Phones


class EventTap:
    """A second ARI app subscribed to every event: the test's eyes on the phones."""

    def __init__(self, env: AsteriskEnv) -> None:
        self.env = env
        # Only what tests look at (the digits each channel received): keeping every
        # event of a 250-call soak would be most of this process's memory.
        self.digits: dict[str, str] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        ws_url = "ws" + self.env.ari_url[4:] + "/ari/events?app=portaria-tap&subscribeAll=true"
        auth = (
            "Basic "
            + base64.b64encode(f"{self.env.username}:{self.env.password}".encode()).decode()
        )

        async def run() -> None:
            async with websockets.connect(ws_url, additional_headers={"Authorization": auth}) as ws:
                self._ready.set()
                async for raw in ws:
                    e = json.loads(raw)
                    if e.get("type") == "ChannelDtmfReceived":
                        ch = e["channel"]["id"]
                        self.digits[ch] = self.digits.get(ch, "") + e["digit"]

        self._task = asyncio.create_task(run())
        await asyncio.wait_for(self._ready.wait(), 5)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()

    def dtmf_on(self, channel_id: str) -> str:
        return self.digits.get(channel_id, "")


@dataclass
class Gate:
    app: Service
    ari: AriClient
    phones: Phones
    tap: EventTap
    scripted_stt: ScriptedTranscriptionServer | None = None
    residents_set: list[str] = field(default_factory=list)

    @property
    def stt(self) -> ScriptedTranscriptionServer:
        """The scripted recognizer the test pushes transcripts to and reads uploads from."""
        assert self.scripted_stt is not None, "this gate was started without a scripted STT"
        return self.scripted_stt

    def speech(self, text: str) -> str:
        """A pt-BR utterance as a sound file a test phone can play."""
        pcm = synth_speech(text, 8000).tobytes()
        name = "say-" + uuid.uuid5(uuid.NAMESPACE_URL, text).hex[:12]
        return self.phones.sound(name, pcm, 8000)

    def paused_speech(self, first: str, pause_s: float, then: str) -> str:
        """One utterance with a pause inside it, as people make at a comma."""
        gap = np.zeros(int(pause_s * 8000), dtype=np.int16)
        pcm = np.concatenate([synth_speech(first, 8000), gap, synth_speech(then, 8000)]).tobytes()
        name = "say-" + uuid.uuid5(uuid.NAMESPACE_URL, f"{first}|{pause_s}|{then}").hex[:12]
        return self.phones.sound(name, pcm, 8000)

    async def set_global(self, name: str, value: str) -> None:
        await self.ari._call("POST", "/asterisk/variable", {"variable": name, "value": value})

    async def resident(
        self, number: str, mode: str = "answer", says: list[str] | None = None, record: bool = True
    ) -> Path:
        """Program the resident stand-in at `number`; returns its recording prefix."""
        rec = self.phones.dir / f"resident-{number}-{uuid.uuid4().hex[:6]}"
        await self.set_global(f"RES_{number}_MODE", mode)
        await self.set_global(f"RES_{number}_REC", self.phones.env.remote(rec) if record else "")
        items = says or []
        for i in range(1, 6):
            v = items[i - 1] if i <= len(items) else ""
            if v and not v.startswith("DTMF:"):
                v = self.speech(v)
            await self.set_global(f"RES_{number}_SAY{i}", v)
        self.residents_set.append(number)
        return rec

    async def visitor(
        self, says: list[str], caller: str = "7100", wait: float = 60, record: bool = True
    ) -> PhoneCall:
        """A visitor phone that speaks each item after our prompt goes quiet.

        "DTMF:…" presses keys."""
        # An item is words to speak, "DTMF:keys", or a sound already made (its path).
        variables = {
            f"SAY{i}": (s if s.startswith(("DTMF:", "/")) else self.speech(s))
            for i, s in enumerate(says, 1)
        }
        tag = f"visitor-{caller}-{uuid.uuid4().hex[:6]}"
        rec = self.phones.dir / tag
        variables.update(
            {
                "REC": self.phones.env.remote(rec) if record else "",
                "WAIT": str(wait),
                "SILENCE": "1000",
            }
        )
        ch = await self.ari.originate(
            "Local/100@portaria-gate/n",
            context="test-talker",
            extension="s",
            priority=1,
            caller_id=f"Visitante <{caller}>",
            variables=variables,
        )
        return PhoneCall(ch.id, rec, self.ari)

    def last_decision(self) -> Decision | None:
        rows = self.app.audit.query(limit=1)
        return rows[0] if rows else None

    async def reset_residents(self) -> None:
        for n in self.residents_set:
            await self.set_global(f"RES_{n}_MODE", "answer")
            for i in range(1, 6):
                await self.set_global(f"RES_{n}_SAY{i}", "")
        self.residents_set.clear()


@contextlib.asynccontextmanager
async def running_gate(
    aenv: AsteriskEnv,
    ari: AriClient,
    phones: Phones,
    stt: ScriptedTranscriptionServer | None,
    tmp_path: Path,
    top: dict[str, Any] | None = None,
    token: str | None = None,
    gate_class: type[Gate] = Gate,
    replace_settings: dict[str, Any] | None = None,
    keypad_only: bool = False,
    **condo: Any,
) -> AsyncIterator[Gate]:
    """The app with settings of the test's choosing (the `gate` fixture's, plus `top` and `condo`).

    `stt` is the scripted recognizer the app uses (`gate.stt`); with `keypad_only` the app
    runs without STT and the server is still there to show it got nothing."""
    stt_url = stt.base_url if stt is not None and not keypad_only else None
    settings = scenario_settings(aenv, stt_url, str(tmp_path / "audit.sqlite3"), top=top, **condo)
    if replace_settings:
        settings = settings.model_copy(update=replace_settings)
    async with live_service(aenv, settings, token=token) as svc:
        tap = EventTap(aenv)
        await tap.start()
        g = gate_class(svc, ari, phones, tap, stt)
        try:
            yield g
        finally:
            await g.reset_residents()
            await tap.stop()
