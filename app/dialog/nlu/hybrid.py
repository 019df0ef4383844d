"""Rules first, an LLM only for what the rules are unsure of.

The rules answer in microseconds and are right on most of what gates hear;
the LLM costs a network round trip (hundreds of ms) and can fail. So the LLM
is asked only below a confidence threshold, under a hard timeout, and any
failure of it leaves the rules' result in place: the dialog then asks again,
which is always better than a call stuck waiting.
"""

from __future__ import annotations

import structlog

from app.dialog.nlu.model import Extraction, Extractor, Intent, NluError, VisitState
from app.metrics import BACKEND_ERRORS
from app.vendors.limits import CallLimits, Expired

log = structlog.get_logger(__name__)


def combine(rules: Extraction, llm: Extraction) -> Extraction:
    """The LLM's reading, with the rules' hard facts kept.

    An apartment number the rules parsed from digits or number words is exact;
    the model's can be a guess. For names and intent the model reads context
    the rules cannot, so its values win where it gave one.
    """
    intent = (
        llm.intent if llm.intent not in (None, Intent.DESCONHECIDO) else rules.intent or llm.intent
    )
    same_intent = intent is llm.intent
    resident = llm.resident_name or rules.resident_name
    return Extraction(
        intent=intent,
        intent_detail=(llm.intent_detail if same_intent else None) or rules.intent_detail,
        visitor_name=llm.visitor_name or rules.visitor_name,
        apartment=rules.apartment or llm.apartment,
        resident_name=resident,
        # The rules heard the article; it belongs to the name only if that is still theirs.
        resident_gender=rules.resident_gender if resident == rules.resident_name else None,
        wants_keypad=rules.wants_keypad or llm.wants_keypad,
        confidence=max(rules.confidence, llm.confidence),
        # The model states a purpose it read; the rules' weight counts when theirs is kept.
        intent_strength=llm.intent_strength if same_intent else rules.intent_strength,
    )


class HybridExtractor:
    def __init__(
        self,
        rule: Extractor,
        llm: Extractor | None,
        confidence_threshold: float = 0.6,
        llm_timeout_s: float = 3.0,
    ) -> None:
        self.rule = rule
        self.llm = llm
        self.confidence_threshold = confidence_threshold
        # A second, outer cap: an LLM extractor's own timeout could be misconfigured.
        self.llm_timeout_s = llm_timeout_s
        self._limits = CallLimits(llm_timeout_s)

    async def extract(self, text: str, state: VisitState) -> Extraction:
        base = await self.rule.extract(text, state)
        if self.llm is None or base.confidence >= self.confidence_threshold:
            return base
        try:
            async with self._limits.call():
                got = await self.llm.extract(text, state)
        except NluError as exc:
            self._failed(exc.kind, str(exc), base)
            return base
        except (Expired, TimeoutError):
            self._failed("timeout", f"no answer within {self.llm_timeout_s} s", base)
            return base
        except Exception as exc:  # noqa: BLE001 - a bug in a backend must not end the call
            self._failed("error", f"{type(exc).__name__}: {exc}", base)
            return base
        return combine(base, got)

    @staticmethod
    def _failed(kind: str, error: str, base: Extraction) -> None:
        BACKEND_ERRORS.labels(backend="nlu", kind=kind).inc()
        log.warning(
            "nlu_llm_failed_using_rules", kind=kind, error=error, rules_confidence=base.confidence
        )
