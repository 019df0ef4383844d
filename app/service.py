"""Wires the parts together and runs them on one event loop."""

from __future__ import annotations

import asyncio
import gc
import time
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from app.api.serving import ApiServer
from app.ari import AriClient, EventStream
from app.bus import EventBus
from app.calls import Call, SessionManager, StasisApp
from app.config import Secrets, Settings
from app.control import ServiceController
from app.dialog.context import Conversation
from app.dialog.nlu import Extractor
from app.dialog.nlu.factory import build_extractor
from app.dialog.spoken_phrases import predictable_phrases
from app.dialog.visitor_flow import run_visitor
from app.directory.directory import Directory
from app.media.pacer import Pacer
from app.media.server import AudioSocketServer, LegRegistry
from app.media.stt import SpeechToText, build_stt
from app.media.tts import CondominiumSpeech, build_voice
from app.media.tts.prewarm import Prewarmer
from app.records import RecordWriter, open_store
from app.records.recordings import DAY, delete_files
from app.webhooks.dispatcher import WebhookDispatcher, build_dispatcher

log = structlog.get_logger(__name__)

_heap_frozen = False


def freeze_start_up_heap() -> None:
    """Take what is alive after start-up out of the cyclic GC's walks, once per process.

    Modules, settings, clients and caches live as long as the process (~130k
    objects). A full collection walks them all while the loop waits, and with it
    every call's 20 ms audio frames and every timeout: measured here 95-150 ms on
    a quiet 2-core machine, 0.33-0.45 s on a busy one. Frozen, a full collection
    walks only what calls allocated since (~0 ms for the start-up heap). Once per
    process: a second Service in the same process (the tests) would otherwise
    freeze the first one's garbage for good.
    """
    global _heap_frozen
    if _heap_frozen:
        return
    _heap_frozen = True
    gc.collect()  # garbage of the start-up itself is freed, not frozen
    gc.freeze()


@dataclass
class Service:
    settings: Settings
    secrets: Secrets
    sessions: SessionManager = field(default_factory=SessionManager)
    pacer: Pacer = field(default_factory=Pacer)
    registry: LegRegistry = field(default_factory=LegRegistry)

    config_dir: Path = Path(".")
    config_path: Path | None = None

    def __post_init__(self) -> None:
        s = self.settings
        self.bus = EventBus()
        # Raises ConfigError (naming PORTARIA_WEBHOOK_SECRET) when URLs are set without the secret.
        self.webhooks: WebhookDispatcher | None = build_dispatcher(
            s.webhooks, self.bus, self.secrets.webhook_secret
        )
        self.sessions = SessionManager(
            on_change=lambda sess, what, old, new: self.bus.publish(
                "state", sess.id, sess.condominium, field=what, old=old, new=new
            )
        )
        self.ari = AriClient(
            s.ari.url, s.ari.username, self.secrets.ari_password, s.ari.app, timeout=s.ari.timeout_s
        )
        # Kokoro (or a cloud voice) with espeak-ng beside it, a sub-voice per condominium.
        self.voice = build_voice(s.tts, _speech(s))
        self.tts, self.fallback_tts = self.voice.primary, self.voice.fallback
        self.prewarmer = Prewarmer()
        self.stt: SpeechToText | None = build_stt(s.stt)
        self.audit = RecordWriter(open_store(s.audit.url, self.resolve_path(s.audit.path)))
        self.directories: dict[str, Directory] = {}
        self.extractors: dict[str, Extractor] = {}
        for key, condo in s.condominiums.items():
            directory = Directory.load(self.resolve_path(condo.directory))
            self.directories[key] = directory
            self.extractors[key] = build_extractor(s.nlu, directory)
        self.servers = {
            "visitor": AudioSocketServer(
                "visitor", s.media.bind_host, s.media.visitor_port, self.registry, self.pacer
            ),
            "resident": AudioSocketServer(
                "resident", s.media.bind_host, s.media.resident_port, self.registry, self.pacer
            ),
        }
        self.app = StasisApp(
            s,
            self.ari,
            self.sessions,
            self.registry,
            self.voice,
            self._flow,
            stt=self.stt,
            bus=self.bus,
            records=self.audit,
            recordings_dir=self.resolve_path(s.audit.recordings_dir),
        )
        self.events = EventStream(
            self.ari.events_url, self.ari.credentials, self.app.on_event, self.app.on_connected
        )
        self.api_controller = ServiceController(self)
        self.api = ApiServer(self.api_controller, s.api.host, s.api.port, self.secrets.api_token)

    def apply(self, settings: Settings, directories: dict[str, Directory]) -> None:
        """Swap in a reloaded config for calls that start from now on."""
        self.extractors = {k: build_extractor(settings.nlu, d) for k, d in directories.items()}
        self.directories = directories
        self.settings = settings
        self.app.settings = settings
        # Live calls keep the voice they started with; new ones get the new phrases.
        build_voice(settings.tts, _speech(settings), base=self.voice)

    def resolve_path(self, p: str) -> Path:
        path = Path(p).expanduser()
        return path if path.is_absolute() else self.config_dir / path

    async def _flow(self, call: Call, settings: Settings) -> None:
        key = call.session.condominium
        # Everything this call needs is taken now: a reload never changes a live call.
        conv = Conversation(
            call=call,
            condo=call.condo,
            directory=self.directories[key],
            extractor=self.extractors[key],
            audit=self.audit,
        )
        await run_visitor(conv)

    async def prewarm(self) -> None:
        """Every greeting cached now; every phrase the config and directories make
        predictable, in the background (app/dialog/spoken_phrases.py)."""
        jobs = [
            (self.voice.for_condominium(key), predictable_phrases(condo, self.directories[key]))
            for key, condo in self.settings.condominiums.items()
        ]
        await self.prewarmer.run(jobs, self.settings.media.sample_rate)

    def apply_retention(self, now: float | None = None) -> int:
        """Delete recordings past each condominium's retention (LGPD); returns files deleted."""
        now = time.time() if now is None else now
        removed = 0
        for key, condo in self.settings.condominiums.items():
            expired = self.audit.store.expire_recordings(
                now - condo.recording_retention_days * DAY, key
            )
            removed += delete_files(expired)
        if removed:
            log.info("recordings_expired", files=removed)
        return removed

    async def _retention_loop(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.apply_retention)
            except Exception as exc:  # noqa: BLE001 - retried tomorrow; never stops the app
                log.error("retention_failed", error=repr(exc))
            await asyncio.sleep(DAY)

    async def start(self, wait_connected: float = 10.0) -> None:
        for srv in self.servers.values():
            await srv.start()
        await self.api.start()
        self.app.set_media_ports(self.servers["visitor"].port, self.servers["resident"].port)
        await self.prewarm()
        if self.webhooks is not None:  # subscribed before the first call can start
            await self.webhooks.start()
        freeze_start_up_heap()  # before the first call can start: it blocks the loop once
        self.events.start()
        self._retention = asyncio.get_running_loop().create_task(
            self._retention_loop(), name="retention"
        )
        try:
            await asyncio.wait_for(self.events.connected.wait(), wait_connected)
        except TimeoutError:
            log.warning("ari_not_connected_yet", url=self.settings.ari.url)

    async def stop(self) -> None:
        retention = getattr(self, "_retention", None)
        if retention is not None:
            retention.cancel()
        await self.api.stop()
        await self.app.shutdown()
        await self.events.stop()
        if self.webhooks is not None:  # after the calls ended: their call.ended still goes out
            await self.webhooks.stop()
        for srv in self.servers.values():
            await srv.stop()
        await self.ari.aclose()
        await self.prewarmer.stop()
        aclose = getattr(self.tts.backend, "aclose", None)
        if aclose is not None:
            await aclose()
        self.audit.close()


def _speech(s: Settings) -> dict[str, CondominiumSpeech]:
    return {
        k: CondominiumSpeech(c.voice, c.phrases.model_dump()) for k, c in s.condominiums.items()
    }
