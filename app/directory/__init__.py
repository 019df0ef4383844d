"""The building's directory: loading data/apartamentos.json and matching what visitors say."""

from .directory import CLEAR_LEAD, Directory, DirectoryError, Resolution
from .model import Apartment, Resident, ResidentMatch
from .normalize import canonical_name, normalize
from .numbers import ApartmentRef, parse_apartment, words_to_number

__all__ = [
    "CLEAR_LEAD",
    "Apartment",
    "ApartmentRef",
    "Directory",
    "DirectoryError",
    "Resident",
    "ResidentMatch",
    "Resolution",
    "canonical_name",
    "normalize",
    "parse_apartment",
    "words_to_number",
]
