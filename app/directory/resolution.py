"""Deciding among the residents a name could mean: take one, confirm one, or ask.

A fuzzy score says a name is close enough to be meant at all (the threshold),
but not which of two close names was: "Daniela" scores 92 against "Daniel".
So candidates are compared on evidence first, score last:

1. words said exactly: "Daniel" is exactly Daniel and only like Daniela;
2. gender: "a"/"dona"/"da" or "o"/"seu"/"do" against what the directory says
   or the first name implies, as a way to rule a resident out (never in:
   "dona Darci" does not tell a Darci known to be a woman from one whose
   gender nobody wrote down);
3. the score, by a clear lead (CLEAR_LEAD); a candidate clearly behind on
   it beats no one ("o Rafael Silva": the article says Rafael Nunes, the
   whole name says Rafaela Silva).

A candidate is set aside only when another is at least as good on every
count and better on one. When the evidence pulls two ways ("a Daniel": the
word says Daniel, the article says a woman), both stay and the caller is asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .model import Apartment, ResidentMatch

# A best match must beat the next by this much to be taken without asking
# (when nothing else tells them apart).
CLEAR_LEAD = 10.0
# A match taken on a score under this is confirmed with the caller first.
CONFIRM_BELOW = 90.0
# How many options a choice question names; more is more than a caller retains.
MAX_OPTIONS = 3

ResolutionStatus = Literal["ok", "ambiguous", "not_found", "apartment_only", "empty"]


@dataclass(frozen=True)
class Resolution:
    """What the visitor's words point at in the directory.

    - ok: `matches` holds exactly one resident; `apartments` holds their apartment.
      `confirm`: taken on weak evidence (a misheard name, an article that
      disagrees, a look-alike where the name said exactly lives elsewhere):
      say it back before calling.
    - ambiguous: do not dial, ask. Either several residents fit (`matches`, best
      first, `apartments` their distinct apartments), or the number exists in
      several blocks (`apartments`, no `matches`), or the name and the
      apartment disagree (`matches` where the name was found, `apartments`
      what the visitor said).
    - apartment_only: only an apartment was given; `apartments` holds it.
    - not_found: nothing fits; `apartments` holds the apartment(s) said, if
      they exist but the name is not among their residents.
    - empty: neither a name nor an apartment was given.
    """

    status: ResolutionStatus
    matches: tuple[ResidentMatch, ...] = ()
    apartments: tuple[Apartment, ...] = ()
    confirm: bool = False
    # The apartment said does not exist, but another reading of the number does
    # ("5001" for "quinhentos e um"): `apartments` holds it; confirm before dialing.
    reread: bool = False

    def offered(self) -> tuple[ResidentMatch, ...] | tuple[Apartment, ...]:
        """The options a choice question names, in the order it names them."""
        if self.matches:
            return self.matches[:MAX_OPTIONS]
        return self.apartments[:MAX_OPTIONS]

    def option(self, index: int) -> Resolution | None:
        """The offered option at `index` ("a primeira": 0, "a última": -1) as a resolution."""
        offered = self.offered()
        if not -len(offered) <= index < len(offered):
            return None
        chosen = offered[index]
        if isinstance(chosen, Apartment):
            return Resolution("apartment_only", (), (chosen,))
        return Resolution("ok", (chosen,), (chosen.apartment,))


def apartments_of(matches: Iterable[ResidentMatch]) -> tuple[Apartment, ...]:
    return tuple(dict.fromkeys(match.apartment for match in matches))


def _excluded(m: ResidentMatch) -> int:
    # Gender can only rule a resident out: an agreeing article does not make a
    # resident of unknown gender ("Darci") less likely to be the one meant.
    return 1 if m.fit < 0 else 0


_Evidence = tuple[float, int, float]  # words said exactly, ruled out by gender, score


def _evidence(m: ResidentMatch) -> _Evidence:
    return (m.exact, _excluded(m), m.score)


def _beats(a: _Evidence, b: _Evidence) -> bool:
    """`a` is at least as good as `b` on every count and clearly better on one."""
    (a_exact, a_out, a_score), (b_exact, b_out, b_score) = a, b
    if a_exact < b_exact or a_out > b_out or b_score - a_score >= CLEAR_LEAD:
        return False
    return a_exact > b_exact or a_out < b_out or a_score - b_score >= CLEAR_LEAD


def standing(matches: Sequence[ResidentMatch]) -> list[ResidentMatch]:
    """The candidates no other candidate beats, strongest first (ties in directory order)."""
    # Compared by distinct evidence, not one by one: "Ana" in a tall building is
    # fifty residents with the same three numbers.
    seen = {_evidence(m) for m in matches}
    beaten = {e for e in seen if any(_beats(other, e) for other in seen)}
    left = [m for m in matches if _evidence(m) not in beaten]
    left.sort(key=lambda m: (-m.exact, _excluded(m), -m.score))
    return left


def pick(matches: Sequence[ResidentMatch]) -> Resolution:
    """One resident when the evidence allows it without guessing, else the ones to ask about."""
    if not matches:
        return Resolution("not_found")
    left = standing(matches)
    if len(left) > 1:
        return Resolution("ambiguous", tuple(left), apartments_of(left))
    best = left[0]
    doubtful = best.score < CONFIRM_BELOW or best.fit < 0
    return Resolution("ok", (best,), (best.apartment,), confirm=doubtful)
