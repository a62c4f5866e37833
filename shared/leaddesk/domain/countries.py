"""A country as customers and producers write it → its ISO 3166-1 alpha-2 code.

Producers send codes (`TR`, `TUR`) or names in any language and any era: "Turkey", "Türkiye",
"Turquie", "UK", "Deutschland", "Pays-Bas", "Olanda". The names come from CLDR (through Babel)
and pycountry, gathered once into `country_names.json` by `make country-names` (a test keeps the
file in step with its sources), so ingest pays one small JSON read on first use instead of
loading hundreds of Babel locales.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

from leaddesk.domain.iso_codes import ALPHA_3_TO_2, COUNTRY_CODES

COUNTRY_NAMES_FILE = Path(__file__).with_name("country_names.json")


_ALPHA_2 = frozenset(COUNTRY_CODES)


def name_key(text: str) -> str:
    """What two spellings of one name share: no accents, no case, letters and digits only
    ("Pays-Bas" = "pays bas", "U.K." = "UK", "Turkiye" = "Türkiye")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    loaded: dict[str, str] = json.loads(COUNTRY_NAMES_FILE.read_text(encoding="utf-8"))
    return loaded


@lru_cache(maxsize=4096)
def country_code(raw: str | None) -> str | None:
    """The alpha-2 code `raw` names, or None when it names no country (or more than one)."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) == 2 and text.isascii() and text.upper() in _ALPHA_2:
        return text.upper()
    if len(text) == 3 and text.isascii() and text.upper() in ALPHA_3_TO_2:
        return ALPHA_3_TO_2[text.upper()]
    return _names().get(name_key(text))
