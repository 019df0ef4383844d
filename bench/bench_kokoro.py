"""Kokoro, the embedded voice: load time and memory, synthesis time per phrase,
cache hits, and replies with a name nobody could predict, played on a real leg.

    python -m bench.bench_kokoro [--replies 6] [--deadline 0.5]

The replies are the resident's presentation with a new visitor name each time
("Olá morador do apartamento 501! <name> está na portaria com uma entrega. ..."),
spoken by Voice.speak on an AudioSocket leg of the app's own server: the cached
first sentence plays while the name is synthesized. Printed: how long the caller
waited for any segment past the moment it was due (bounded by the deadline), and
how many segments espeak-ng said because Kokoro was late.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from app.config import Phrases
from app.logging import configure
from app.media.audiosocket import encode_uuid
from app.media.pacer import Pacer
from app.media.server import AudioSocketServer, LegRegistry
from app.media.tts import CachedTts, CondominiumSpeech, TtsSettings, build_voice
from app.media.tts.kokoro import KokoroEngine, KokoroTts
from app.media.tts.settings import CondominiumVoice

NAMES = [
    "Pedro da Silva",
    "Joana Prado",
    "Carlos Eduardo Nunes",
    "Beatriz Almeida",
    "Rogério Tavares",
    "Luana Ferreira",
    "Otávio Mendonça",
    "Cíntia Barbosa",
    "Wagner Ribeiro",
    "Patrícia Gomes",
]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ms(x: float) -> float:
    return round(x * 1000, 1)


def emit(**row: object) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)


async def main(replies: int, deadline: float) -> None:
    configure("warning")
    before = rss_mb()
    t0 = time.perf_counter()
    engine = KokoroEngine(threads=2)
    emit(
        metric="Kokoro load (model + session, 2 threads)",
        s=round(time.perf_counter() - t0, 2),
        rss_mb_added=round(rss_mb() - before, 1),
    )
    p = Phrases()
    tts = KokoroTts("pm_alex", engine=engine)
    for label, text in [
        ("name", "Daniel dos Reis"),
        ("greeting", p.greeting),
        ("confirmation", p.confirm_match.format(resident="Daniel dos Reis", apartment="501")),
        (
            "presentation",
            p.resident_prompt.format(
                apartment="501", visitor="Pedro da Silva", purpose=p.purpose_entrega
            ),
        ),
    ]:
        t0 = time.perf_counter()
        pcm = await tts.synthesize(text, 8000)
        took, audio = time.perf_counter() - t0, len(pcm) / 16000
        emit(
            metric="Kokoro synthesis, uncached (pm_alex, 8 kHz)",
            phrase=label,
            audio_s=round(audio, 2),
            synth_s=round(took, 2),
            real_time_factor=round(took / audio, 2),
        )
    emit(
        metric="RSS after synthesis",
        rss_mb=round(rss_mb(), 1),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )

    with tempfile.TemporaryDirectory() as d:
        cache = CachedTts(tts, Path(d))
        await cache.synthesize(p.greeting, 8000)
        mem, disk = [], []
        for _ in range(200):
            t0 = time.perf_counter()
            await cache.synthesize(p.greeting, 8000)
            mem.append(time.perf_counter() - t0)
        for _ in range(20):
            fresh = CachedTts(tts, Path(d))
            t0 = time.perf_counter()
            await fresh.synthesize(p.greeting, 8000)
            disk.append(time.perf_counter() - t0)
        emit(
            metric="Kokoro cache hit",
            memory_p50_us=round(statistics.median(mem) * 1e6, 1),
            memory_max_us=round(max(mem) * 1e6, 1),
            disk_p50_us=round(statistics.median(disk) * 1e6, 1),
        )

    # Replies with a new name each, on a real leg, the rest of the reply prewarmed.
    # A cache of its own: names from an earlier run must not be found there.
    cfg = TtsSettings(reply_deadline_s=deadline, cache_dir=tempfile.mkdtemp(prefix="bench-kokoro-"))
    voice = build_voice(
        cfg, {"b": CondominiumSpeech(CondominiumVoice(), p.model_dump())}
    ).for_condominium("b")
    for text in (
        "Olá morador do apartamento 501!",
        "está na portaria com uma entrega.",
        "Você autoriza a entrada?",
        "Responda sim ou não.",
        "Não encontrei",
        "aqui.",
        "Qual é o número do apartamento?",
    ):
        await voice.synthesize(text, 8000)
    reg = LegRegistry()
    srv = AudioSocketServer("visitor", "127.0.0.1", 0, reg, Pacer())
    await srv.start()
    leg_id = uuid.uuid4()
    waiter = reg.expect(leg_id, "visitor", 8000)
    reader, writer = await asyncio.open_connection("127.0.0.1", srv.port)
    writer.write(encode_uuid(leg_id))
    leg = await waiter
    drain = asyncio.ensure_future(_drain(reader))
    # The presentation: a 2 s cached sentence plays while the name is made. "Não
    # encontrei <name> aqui.": only 0.6 s of cached audio before the name, the hard case.
    for label, template, values in (
        ("presentation", p.resident_prompt, {"apartment": "501", "purpose": p.purpose_entrega}),
        ("not found", p.resident_not_found, {}),
    ):
        voice.waits.clear()
        voice.deadline_misses = 0
        firsts = []
        for i in range(replies):
            name = NAMES[i % len(NAMES)] + (f" {label} {i}" if i >= len(NAMES) else "")
            if label == "not found":
                name = name.split()[0] + " " + NAMES[-1 - i % len(NAMES)].split()[-1]
            t0 = time.monotonic()
            _, first = await voice.speak(leg, template.format(visitor=name, name=name, **values))
            if first is not None:
                firsts.append(first - t0)
        waits = list(voice.waits)
        emit(
            metric="replies with an unknown name (Voice.speak on a real leg)",
            reply=label,
            replies=replies,
            deadline_ms=ms(deadline),
            first_frame_p50_ms=ms(statistics.median(firsts)),
            first_frame_max_ms=ms(max(firsts)),
            segments=len(waits),
            longest_wait_past_due_ms=ms(max(waits)),
            deadline_fallbacks_to_espeak=voice.deadline_misses,
        )
    leg.close("bench over")
    writer.close()
    drain.cancel()
    await srv.stop()


async def _drain(reader: asyncio.StreamReader) -> None:
    while await reader.read(65536):
        pass


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--replies", type=int, default=6)
    ap.add_argument("--deadline", type=float, default=0.5)
    a = ap.parse_args()
    asyncio.run(main(a.replies, a.deadline))
