"""Brazilian Portuguese text -> Kokoro phonemes, through the espeak-ng program.

Kokoro was trained on espeak-ng's IPA (as misaki's espeak G2P produces it), so
we ask the Debian `espeak-ng` command for the same thing. Running it as a
separate program keeps its GPL library out of our process. espeak-ng drops
punctuation from IPA output, yet Kokoro uses it for pauses and intonation, so
we split the text into clauses ourselves and put each clause's punctuation back.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from app.media.tts.base import TtsError

# Clause body, then the punctuation (and spaces) that closes it.
_CLAUSE = re.compile(r"([^,.!?;:…—]+)([,.!?;:…—]*\s*)")
# misaki's mapping of espeak-ng's tied diphthongs/affricates to Kokoro's one-symbol
# phonemes; any other tie is just removed.
_TIED = (
    ("a^ɪ", "I"),
    ("a^ʊ", "W"),
    ("d^z", "ʣ"),
    ("d^ʒ", "ʤ"),
    ("e^ɪ", "A"),
    ("o^ʊ", "O"),
    ("ə^ʊ", "Q"),
    ("s^s", "S"),
    ("t^s", "ʦ"),
    ("t^ʃ", "ʧ"),
    ("ɔ^ɪ", "Y"),
)


def _kokoro_symbols(ipa: str) -> str:
    for tied, single in _TIED:
        ipa = ipa.replace(tied, single)
    return ipa.replace("^", "").strip()


def split_clauses(text: str) -> list[tuple[str, str]]:
    """[(clause text, closing punctuation)], punctuation normalized to what Kokoro knows."""
    out = []
    for body, punct in _CLAUSE.findall(" ".join(text.split())):
        body = body.strip()
        if body:
            out.append((body, punct.strip()))
    return out


class EspeakPhonemizer:
    def __init__(self, voice: str = "pt-br") -> None:
        exe = shutil.which("espeak-ng")
        if exe is None:
            raise TtsError(
                "kokoro: the espeak-ng program is not installed (apt-get install espeak-ng)"
            )
        self._exe = exe
        self.voice = voice

    def _ipa_lines_sync(self, lines: list[str]) -> list[str]:
        try:
            proc = subprocess.run(
                [self._exe, "-q", "-v", self.voice, "--ipa", "--tie=^"],
                input="\n".join(lines).encode() + b"\n",
                capture_output=True,
                check=False,
                timeout=10,
            )  # a stuck espeak-ng must not hold the engine
        except subprocess.TimeoutExpired:
            raise TtsError("kokoro: espeak-ng gave no phonemes within 10 s") from None
        if proc.returncode != 0:
            raise TtsError(
                f"kokoro: espeak-ng exit {proc.returncode}: "
                f"{proc.stderr.decode(errors='replace').strip()}"
            )
        return [ln for ln in proc.stdout.decode().splitlines() if ln.strip()]

    def phonemize_sync(self, text: str) -> str:
        """Blocking: Kokoro calls it on its inference thread (see kokoro.py)."""
        clauses = split_clauses(text)
        if not clauses:
            return ""
        bodies = [b for b, _ in clauses]
        # One espeak-ng start for the whole text: a line per clause comes back.
        # It may split a long clause itself; then ask clause by clause.
        lines = self._ipa_lines_sync(bodies)
        if len(lines) != len(bodies):
            lines = [" ".join(self._ipa_lines_sync([b])) for b in bodies]
        return _join(lines, clauses)


def _join(lines: list[str], clauses: list[tuple[str, str]]) -> str:
    return " ".join(
        _kokoro_symbols(ipa) + punct for ipa, (_, punct) in zip(lines, clauses, strict=True)
    )
