"""Config → extractor: the rules alone, or rules with an LLM for unsure utterances."""

from __future__ import annotations

import os

from app.config import NluSettings
from app.dialog.nlu.hybrid import HybridExtractor
from app.dialog.nlu.model import Extractor
from app.dialog.nlu.rules import RuleExtractor
from app.directory.directory import Directory
from app.errors import ConfigurationError
from app.vendors import openai_api


class NluConfigError(ConfigurationError, ValueError):
    """The NLU settings cannot work (e.g. the LLM backend without a key)."""


def llm_endpoint(cfg: NluSettings) -> tuple[str, str]:
    """(base URL, key) of the LLM; NluConfigError naming what to set. Loads no SDK.

    The key lives in the environment (AI_API_KEY), never in config files or logs;
    AI_API_URL, when set, overrides `nlu.base_url`.
    """
    base_url = os.environ.get("AI_API_URL") or cfg.base_url
    key = openai_api.api_key(
        "nlu", "llm", base_url, None, openai_api.API_KEY_ENV, True, NluConfigError
    )
    return base_url, key


def build_extractor(cfg: NluSettings, directory: Directory) -> Extractor:
    rules = RuleExtractor(directory)
    if cfg.backend == "rules":
        return rules
    base_url, key = llm_endpoint(cfg)
    from app.dialog.nlu.llm import LlmExtractor  # the openai SDK, only when the LLM is used

    llm = LlmExtractor(base_url, cfg.model, key, cfg.timeout_s, directory=directory)
    # The outer cap sits a little above the LLM's own timeout, which normally fires first.
    return HybridExtractor(rules, llm, cfg.confidence_threshold, llm_timeout_s=cfg.timeout_s + 0.5)
