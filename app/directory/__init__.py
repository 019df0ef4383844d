"""The building's directory: loading data/apartamentos.json and matching what visitors say."""

from .directory import CLEAR_LEAD, CONFIRM_BELOW, Directory, DirectoryError, Resolution
from .gender import Gender
from .model import Apartment, Resident, ResidentMatch
from .normalize import canonical_name, normalize
from .numbers import ApartmentRef, parse_apartment, words_to_number

__all__ = [
    "CLEAR_LEAD",
    "CONFIRM_BELOW",
    "Apartment",
    "ApartmentRef",
    "Directory",
    "DirectoryError",
    "Gender",
    "Resident",
    "ResidentMatch",
    "Resolution",
    "canonical_name",
    "normalize",
    "parse_apartment",
    "words_to_number",
]
