"""Config → extractor: the rules alone, or rules with an LLM for unsure utterances."""

from __future__ import annotations

import os

from app.config import NluSettings
from app.dialog.nlu.hybrid import HybridExtractor
from app.dialog.nlu.llm import LlmExtractor
from app.dialog.nlu.model import Extractor
from app.dialog.nlu.rules import RuleExtractor
from app.directory.directory import Directory
from app.errors import ConfigurationError


class NluConfigError(ConfigurationError, ValueError):
    """The NLU settings cannot work (e.g. the LLM backend without a key)."""


def build_extractor(cfg: NluSettings, directory: Directory) -> Extractor:
    rules = RuleExtractor(directory)
    if cfg.backend == "rules":
        return rules
    # The key lives in the environment, never in config files or logs.
    key = os.environ.get("AI_API_KEY")
    if not key:
        raise NluConfigError("nlu.backend is 'llm' but AI_API_KEY is not set in the environment")
    base_url = os.environ.get("AI_API_URL") or cfg.base_url
    llm = LlmExtractor(base_url, cfg.model, key, cfg.timeout_s, directory=directory)
    # The outer cap sits a little above the LLM's own timeout, which normally fires first.
    return HybridExtractor(rules, llm, cfg.confidence_threshold, llm_timeout_s=cfg.timeout_s + 0.5)
