"""Understanding what callers say: intent, names, apartment; yes / no / who replies.

The LLM extractor (app/dialog/nlu/llm.py) is not exported here: `build_extractor`
imports it, and the openai SDK with it, only when the LLM is configured.
"""

from app.dialog.nlu.factory import NluConfigError, build_extractor
from app.dialog.nlu.hybrid import HybridExtractor
from app.dialog.nlu.model import Extraction, Extractor, Intent, NluError, VisitState
from app.dialog.nlu.replies import Reply, classify_confirmation, classify_reply
from app.dialog.nlu.rules import RuleExtractor

__all__ = [
    "Extraction",
    "Extractor",
    "HybridExtractor",
    "Intent",
    "NluConfigError",
    "NluError",
    "Reply",
    "RuleExtractor",
    "VisitState",
    "build_extractor",
    "classify_confirmation",
    "classify_reply",
]
