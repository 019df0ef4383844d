"""Understanding what callers say: intent, names, apartment; yes / no / who replies."""

from app.dialog.nlu.factory import NluConfigError, build_extractor
from app.dialog.nlu.hybrid import HybridExtractor
from app.dialog.nlu.llm import LlmExtractor
from app.dialog.nlu.model import Extraction, Extractor, Intent, NluError, VisitState
from app.dialog.nlu.replies import Reply, classify_confirmation, classify_reply
from app.dialog.nlu.rules import RuleExtractor

__all__ = [
    "Extraction",
    "Extractor",
    "HybridExtractor",
    "Intent",
    "LlmExtractor",
    "NluConfigError",
    "NluError",
    "Reply",
    "RuleExtractor",
    "VisitState",
    "build_extractor",
    "classify_confirmation",
    "classify_reply",
]
