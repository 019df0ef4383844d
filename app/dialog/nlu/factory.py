"""Config → extractor: rules alone, or rules with an LLM for unsure utterances."""

from __future__ import annotations

import os

from app.config import NluSettings
from app.dialog.nlu.llm import HybridExtractor, LlmExtractor
from app.dialog.nlu.model import Extractor
from app.dialog.nlu.rules import RuleExtractor
from app.directory.directory import Directory


class NluConfigError(ValueError):
    pass


def build_extractor(cfg: NluSettings, directory: Directory) -> Extractor:
    rules = RuleExtractor(directory)
    if cfg.backend == "rules":
        return rules
    key = os.environ.get("AI_API_KEY")
    if not key:
        raise NluConfigError("nlu.backend is 'llm' but AI_API_KEY is not set in the environment")
    base_url = os.environ.get("AI_API_URL") or cfg.base_url
    llm = LlmExtractor(directory, base_url, cfg.model, key, cfg.timeout_s)
    return HybridExtractor(rules, llm, cfg.confidence_threshold)
