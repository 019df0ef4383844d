"""Fuzzy matching of a spoken name against the residents' names.

Scores are 0..100. A full-name comparison (rapidfuzz ratio, token_sort_ratio
and a guarded partial_ratio) is combined with a token-by-token comparison so
that "a Rafaela" or "o senhor Reis" find "Rafaela Silva" and "Daniel dos Reis".
The score only says whether a name is close enough to be meant at all; which
of several close names was meant is decided on the evidence each match also
carries (words said exactly, gender; see resolution.py), since a look-alike
("Daniela" for "Daniel") scores too close to the exact name to tell apart.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .gender import Gender, cue_before, name_gender
from .model import Apartment, Resident
from .normalize import canonical_name, normalize

# Said around a name, never part of what tells residents apart.
_FILLER_WORDS = (
    "seu", "senhor", "sr", "sra", "senhora", "dona", "doutor", "doutora", "dr", "dra",
    "o", "a", "os", "as", "e", "do", "da", "dos", "das", "de",
    "morador", "moradora", "moradores",
)  # fmt: skip
FILLERS = frozenset(canonical_name(word) for word in _FILLER_WORDS)

# Below this length a query token only matches a name token it equals: on
# short strings fuzzy scores are noise ("Lu" would find "Luís" and "Lia").
MIN_FUZZY_TOKEN = 3
# When the caller says several names, a resident whose name has more parts
# than were said ranks a bit below one whose name was said in full, so that
# "Paulo Souza" picks Paulo Souza over Ana Paula Souza.
_UNSAID_PARTS_PENALTY = 5.0


def _is_name_token(token: str) -> bool:
    return token not in FILLERS and len(token) > 1 and not any(ch.isdigit() for ch in token)


def name_tokens(text: str) -> tuple[str, ...]:
    """Canonical name tokens, without honorifics, particles and stray digits."""
    return tuple(token for token in canonical_name(text).split() if _is_name_token(token))


def gender_said(text: str) -> Gender | None:
    """The gender the caller marked in front of the name: "a dona Simone" -> "f"."""
    words = normalize(text).split()
    first = next((i for i, word in enumerate(words) if _is_name_token(canonical_name(word))), 0)
    return cue_before(words[:first])


def _same_but_final_vowel(said: str, name: str) -> bool:
    # Recognizers drop (and less often add) a final vowel: "Rafael" for "Rafaela".
    short, long = sorted((said, name), key=len)
    return (
        len(short) >= 3
        and len(long) == len(short) + 1
        and long.startswith(short)
        and long[-1] in "aeiou"
    )


# A middle name said alone is how fewer people are called: "o Fernando" is
# Fernando Lima before Luís Fernando Gonçalves, though both names hold it.
_MIDDLE_WEIGHT = 0.5


def exact_count(query: tuple[str, ...], tokens: tuple[str, ...], loose: bool = False) -> float:
    """How many words said are exactly a word of the name, each name word used once;
    a middle name counts half.

    `loose`: a word that differs only by a final vowel counts too.
    """
    left = list(enumerate(tokens))
    count = 0.0
    for token in query:
        same = next((p for p in left if p[1] == token), None)
        if same is None and loose:
            same = next((p for p in left if _same_but_final_vowel(token, p[1])), None)
        if same is not None:
            left.remove(same)
            middle = 0 < same[0] < len(tokens) - 1
            count += _MIDDLE_WEIGHT if middle else 1.0
    return count


@dataclass(frozen=True)
class IndexedResident:
    apartment: Apartment
    resident: Resident
    tokens: tuple[str, ...]
    text: str  # the tokens joined, for whole-name comparisons
    key: int  # which resident: a resident with nicknames has one entry per way to say them
    gender: Gender | None


def _spellings(resident: Resident) -> list[tuple[str, ...]]:
    """The name's tokens, then each nickname standing in for the first name ("Bia Nunes")."""
    tokens = name_tokens(resident.name)
    found = [tokens]
    for nickname in resident.nicknames:
        said = name_tokens(nickname)
        alias = (*said, *(t for t in tokens[1:] if t not in said))
        if said and alias not in found:
            found.append(alias)
    return found


@dataclass(frozen=True)
class Found:
    entry: IndexedResident
    score: float
    exact: float


def _is_whole_tokens(text: str, start: int, end: int) -> bool:
    return (start == 0 or text[start - 1] == " ") and (end == len(text) or text[end] == " ")


def _partial(query: str, name: str) -> float:
    """partial_ratio, counted only when the query lines up with whole name tokens.

    Only the query as a part of the name: a name inside a longer query means the
    caller said something else as well, which ratio/token_sort already judge.
    """
    if len(query) > len(name):
        return 0.0
    alignment = fuzz.partial_ratio_alignment(query, name)
    if alignment is None:  # only with a score_cutoff, which is not used here
        return 0.0
    # dest is the span of `name` (the second argument) the query lined up with.
    if not _is_whole_tokens(name, alignment.dest_start, alignment.dest_end):
        return 0.0
    return float(alignment.score)


def _row(query: str, choices: list[str], scorer: Callable[..., float]) -> list[float]:
    if not choices:
        return []
    return [float(value) for value in process.cdist([query], choices, scorer=scorer)[0]]


class NameIndex:
    """Residents' names prepared once, searched on every utterance.

    The cheap whole-name scores run for every resident in rapidfuzz's C loops;
    the token-by-token score runs in Python only for residents that can still
    reach the threshold, so a large building stays within the NLU budget.
    """

    def __init__(self, residents: Iterable[tuple[Apartment, Resident]]) -> None:
        self.entries: tuple[IndexedResident, ...] = tuple(
            IndexedResident(
                apartment,
                resident,
                tokens,
                " ".join(tokens),
                key,
                resident.gender or name_gender(resident.name),
            )
            for key, (apartment, resident) in enumerate(residents)
            for tokens in _spellings(resident)
        )
        self._texts = [entry.text for entry in self.entries]
        self._vocabulary = sorted({token for entry in self.entries for token in entry.tokens})
        self._column = {token: i for i, token in enumerate(self._vocabulary)}
        self._holders: dict[str, list[int]] = {}
        for i, entry in enumerate(self.entries):
            for token in set(entry.tokens):
                self._holders.setdefault(token, []).append(i)
        # rapidfuzz imports numpy on the first cdist call (~100 ms): pay it at
        # load time, not on the first visitor's utterance.
        _row("a", ["a"], fuzz.ratio)

    def search(
        self,
        name: str,
        threshold: float,
        within: Collection[Apartment] | None = None,
        loose: bool = False,
    ) -> list[Found]:
        """Residents scoring at least `threshold` (0..100), in directory order, once each.

        `loose`: count a word said without (or with) a final vowel as exact; only
        for choosing among options just offered, where that is the likely error.
        """
        query = name_tokens(name)
        if not query or not self.entries:
            return []
        text = " ".join(query)
        ratios = _row(text, self._texts, fuzz.ratio)
        sorts = _row(text, self._texts, fuzz.token_sort_ratio)
        # One query token aligned with whole name tokens is the token score
        # again, so partial_ratio only adds something for longer queries.
        partials = _row(text, self._texts, fuzz.partial_ratio) if len(query) > 1 else []
        # ratio of every query token against every distinct name token
        table = [
            _row(token, self._vocabulary, fuzz.ratio)
            if len(token) >= MIN_FUZZY_TOKEN
            else [100.0 if token == other else 0.0 for other in self._vocabulary]
            for token in query
        ]
        # A mean never beats its best term: only residents holding a token that
        # reaches the threshold on its own can reach it with the token score.
        candidates = {
            i
            for column, token in enumerate(self._vocabulary)
            if max(row[column] for row in table) >= threshold
            for i in self._holders[token]
        }
        candidates.update(
            i
            for i in range(len(self.entries))
            if max(ratios[i], sorts[i], partials[i] if partials else 0.0) >= threshold
        )
        found: dict[int, Found] = {}
        for i in sorted(candidates):
            entry = self.entries[i]
            if within is not None and entry.apartment not in within:
                continue
            whole = max(ratios[i], sorts[i])
            penalty = 0.0
            if len(query) > 1 and len(entry.tokens) > len(query):
                penalty = _UNSAID_PARTS_PENALTY
            columns = [self._column[token] for token in entry.tokens]
            subset = _token_score([[row[c] for c in columns] for row in table])
            if partials and partials[i] - penalty > max(whole, subset - penalty):
                subset = max(subset, _partial(text, entry.text))
            value = max(whole, subset - penalty)
            if value < threshold:
                continue
            # Of a resident's spellings (name, nicknames), the one said best.
            hit = Found(entry, value, exact_count(query, entry.tokens, loose))
            held = found.get(entry.key)
            if held is None or (hit.exact, hit.score) > (held.exact, held.score):
                found[entry.key] = hit
        return list(found.values())


def _token_score(table: list[list[float]]) -> float:
    """Mean over the query tokens (rows) of their best name token (columns), each used once."""
    used: set[int] = set()
    total = 0.0
    for row in table:
        best, best_at = 0.0, -1
        for at, value in enumerate(row):
            if at not in used and value > best:
                best, best_at = value, at
        used.add(best_at)
        total += best
    return total / len(table)
