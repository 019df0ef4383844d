"""The pt-BR words the rules look for, as said at a Brazilian condominium's gate.

Written plain (accents allowed); the rules normalize them. One module per kind of
table; they are all re-exported here so that the rules read them as `lx.NAME`
whichever table they sit in.
"""

from app.dialog.nlu.lexicon.fillers import CLAUSE_OPENERS, FILLERS, NOT_NAMES, REPLY_WORDS, VAGUE
from app.dialog.nlu.lexicon.intents import INTENT_CUES, KEYPAD_CUES, NOT_CUES, Cue
from app.dialog.nlu.lexicon.name_cues import (
    ARTICLES,
    AT_CLAUSE_START,
    COMMON_WORD_SURNAMES,
    FORMAL_TITLES,
    HONORIFICS,
    PARTICLES,
    RELATIONS,
    RESIDENT_CUES,
    RESIDENT_SUFFIXES,
    VISITOR_ARRIVED,
    VISITOR_CUES,
    VISITOR_SUFFIXES,
    WEAK_RESIDENT_CUES,
)
from app.dialog.nlu.lexicon.numbers import APP_NUMBERS, NUMBER_OWNERS, NUMBER_WORDS, PLATE_WORDS
from app.dialog.nlu.lexicon.roles import FEMININE_ROLES, GENERIC_PEOPLE, ROLE_STOPS, ROLES

__all__ = [
    "APP_NUMBERS",
    "ARTICLES",
    "AT_CLAUSE_START",
    "CLAUSE_OPENERS",
    "COMMON_WORD_SURNAMES",
    "FEMININE_ROLES",
    "FILLERS",
    "FORMAL_TITLES",
    "GENERIC_PEOPLE",
    "HONORIFICS",
    "INTENT_CUES",
    "KEYPAD_CUES",
    "NOT_CUES",
    "NOT_NAMES",
    "NUMBER_OWNERS",
    "NUMBER_WORDS",
    "PARTICLES",
    "PLATE_WORDS",
    "RELATIONS",
    "REPLY_WORDS",
    "RESIDENT_CUES",
    "RESIDENT_SUFFIXES",
    "ROLES",
    "ROLE_STOPS",
    "VAGUE",
    "VISITOR_ARRIVED",
    "VISITOR_CUES",
    "VISITOR_SUFFIXES",
    "WEAK_RESIDENT_CUES",
    "Cue",
]
