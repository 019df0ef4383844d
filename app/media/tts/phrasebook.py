"""A reply as segments: whole cached sentences, and short pieces around what only the call knows.

Everything a condominium says comes from its phrase templates ("{visitor} está
na portaria {purpose}."). Given the text the dialog formatted, the phrasebook
finds the template and the values back, and cuts the reply into sentences. A
sentence whose placeholders the directory makes predictable (an apartment, a
resident) is one segment, synthesized ahead of time. A sentence holding a
value nobody can predict (the visitor's name, an apartment that does not
exist) is cut at that value, so only the value is synthesized during the call
while the cached pieces around it play. Each segment carries the pause that
goes before it, so stitched pieces keep the rhythm of one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Placeholders whose value is known only during a call, by template name.
DYNAMIC: dict[str, frozenset[str]] = {
    "resident_prompt": frozenset({"visitor"}),
    "resident_not_found": frozenset({"name"}),
    "apartment_not_found": frozenset({"apartment"}),
    "ask_choice": frozenset({"options"}),
}
# Silence before a segment, by how the previous one ended: a sentence, a clause,
# or a cut inside a clause (around a name), where a long gap sounds like a stutter.
PAUSE_MS = {"sentence": 250, "clause": 150, "inside": 60}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# A sentence ends at . ! ? (or …) followed by a space or the end.
_SENTENCE = re.compile(r"[^.!?…]*(?:[.!?…]+|$)")
_LEADING_PUNCT = re.compile(r"^[\s,;:]+")
_UNKNOWN = "QQunknownQQ"  # stands for a value only the call will know


@dataclass(frozen=True)
class Segment:
    text: str
    pause_ms: int  # silence to play before it
    dynamic: (
        bool  # a value known only during the call (prewarmed only when the directory predicts it)
    )


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _pause_after(text: str) -> int:
    end = text.rstrip()[-1:]
    if end in ".!?…":
        return PAUSE_MS["sentence"]
    if end in ",;:":
        return PAUSE_MS["clause"]
    return PAUSE_MS["inside"]


def _cut(
    template_sentence: str, values: Mapping[str, str], dynamic: frozenset[str]
) -> list[tuple[str, bool]]:
    """[(text, dynamic)] pieces of one template sentence, cut around its dynamic values."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template_sentence):
        if m.group(1) not in dynamic:
            continue
        pieces.append((template_sentence[pos : m.start()].format_map(values), False))
        pieces.append((values[m.group(1)], True))
        pos = m.end()
    pieces.append((template_sentence[pos:].format_map(values), False))
    out: list[tuple[str, bool]] = []
    for text, is_dynamic in pieces:
        stripped = _LEADING_PUNCT.sub("", text).strip()
        if out and not any(c.isalnum() for c in stripped):
            # Only punctuation ("." after a name): it belongs to the piece before.
            prev, prev_dynamic = out[-1]
            out[-1] = (prev + text.strip(), prev_dynamic)
        elif stripped:
            out.append((stripped, is_dynamic))
    return out


class Template:
    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.fields = tuple(dict.fromkeys(_PLACEHOLDER.findall(text)))
        self.dynamic = DYNAMIC.get(name, frozenset()) & set(self.fields)
        pattern, pos, seen = "", 0, set()
        for m in _PLACEHOLDER.finditer(text):
            pattern += re.escape(text[pos : m.start()])
            key = m.group(1)
            pattern += f"(?P={key})" if key in seen else f"(?P<{key}>.+?)"
            seen.add(key)
            pos = m.end()
        self._regex = re.compile(pattern + re.escape(text[pos:]) + r"\Z", re.DOTALL)

    def match(self, text: str) -> dict[str, str] | None:
        m = self._regex.match(text)
        return None if m is None else m.groupdict()

    def segments(self, values: Mapping[str, str]) -> list[Segment]:
        pieces = [p for s in sentences(self.text) for p in _cut(s, values, self.dynamic)]
        return _with_pauses(pieces)


def _with_pauses(pieces: list[tuple[str, bool]]) -> list[Segment]:
    out: list[Segment] = []
    for text, dynamic in pieces:
        pause = _pause_after(out[-1].text) if out else 0
        out.append(Segment(text, pause, dynamic))
    return out


class Phrasebook:
    """One condominium's templates: how to cut any reply it can say."""

    def __init__(self, templates: Mapping[str, str]) -> None:
        self.fixed = {t for t in templates.values() if "{" not in t}
        self.templates = [Template(k, t) for k, t in templates.items() if "{" in t]

    def segments(self, text: str) -> list[Segment]:
        text = " ".join(text.split())
        if text in self.fixed:
            return [Segment(text, 0, False)]  # whole: the best prosody, and prewarmed so
        for template in self.templates:
            values = template.match(text)
            if values is not None:
                return template.segments(values)
        # Text no template made: one sentence at a time, the first plays while the next is made.
        return _with_pauses([(s, True) for s in sentences(text)])

    def predictable(self, name: str, values: Iterable[Mapping[str, str]]) -> set[str]:
        """The segments of template `name` that can be made ahead, for each set of values
        (a dynamic value given here, like a choice of residents, is predictable after all)."""
        template = next((t for t in self.templates if t.name == name), None)
        if template is None:
            return set()
        placeholder = {k: _UNKNOWN for k in template.fields}
        out: set[str] = set()
        for v in values:
            out.update(
                s.text for s in template.segments({**placeholder, **v}) if _UNKNOWN not in s.text
            )
        return out
