"""Builds `leaddesk/domain/country_names.json`: every name of every country that ingest maps to
its code (`make country-names`; a test fails when the file and its sources disagree).

Sources, all maintained data rather than a list of our own:
- pycountry (ISO 3166-1): the short, official and common English names;
- CLDR through Babel: each country's name in LeadDesk's six languages and in its own official
  languages ("Deutschland", "Magyarország", "Россия");
- CLDR's alternative forms ("UK", "Turkey", "Czech Republic"), which Babel's compiled data leaves
  out, and the colloquial names the product rules list ("Holland", "Olanda").
A spelling that two countries share is left out: it names no country for certain.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pycountry
from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages

from leaddesk.domain.countries import COUNTRY_NAMES_FILE, name_key
from leaddesk.domain.iso_codes import ISO_CODES_FILE

LANGUAGES = ("en", "fr", "it", "nl", "hu", "tr")

# CLDR's `alt="short"` and `alt="variant"` territory names (English), and common former or
# colloquial names; Babel ships only the main name of each territory.
ALTERNATIVE_NAMES = {
    "GB": ("UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland"),
    "US": ("U.S.", "U.S.A.", "United States of America", "America"),
    "TR": ("Turkey", "Türkei", "Turchia", "Turquie", "Turkije", "Törökország"),
    "NL": ("Holland", "Olanda", "Hollande", "Hollandia"),
    "RU": ("Russia", "Russian Federation"),
    "CZ": ("Czech Republic",),
    "MK": ("Macedonia", "FYROM"),
    "SZ": ("Swaziland",),
    "CI": ("Ivory Coast",),
    "CV": ("Cabo Verde",),
    "TL": ("East Timor",),
    "MM": ("Burma",),
    "KR": ("Korea", "Republic of Korea"),
    "HK": ("Hong Kong",),
    "MO": ("Macao", "Macau"),
    "PS": ("Palestine",),
    "AE": ("UAE", "Emirates"),
    "VA": ("Vatican", "Holy See"),
    "CD": ("Congo (DRC)", "Congo-Kinshasa", "DR Congo"),
    "CG": ("Congo (Republic)", "Congo-Brazzaville"),
    "BA": ("Bosnia",),
}


def country_names() -> dict[str, str]:
    codes = {str(country.alpha_2) for country in pycountry.countries}
    spellings: dict[str, set[str]] = defaultdict(set)

    def add(name: str | None, code: str) -> None:
        key = name_key(name or "")
        if key and len(key) > 3:  # two or three letters are codes, read as codes first
            spellings[key].add(code)

    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            add(getattr(country, attribute, None), str(country.alpha_2))
    for language in LANGUAGES:
        for code, name in Locale(language).territories.items():
            if code in codes:
                add(name, code)
    for code in sorted(codes):
        for language in get_official_languages(code, de_facto=True):
            try:
                add(Locale.parse(language).territories.get(code), code)
            except (UnknownLocaleError, ValueError):
                continue  # CLDR names the language but holds no locale data for it
    for code, names in ALTERNATIVE_NAMES.items():
        for name in names:
            spellings[name_key(name)] = {code}  # the product's word wins over a collision
    return {key: next(iter(found)) for key, found in sorted(spellings.items()) if len(found) == 1}


def render() -> str:
    return json.dumps(country_names(), ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def iso_codes() -> dict[str, object]:
    """The codes ingest, the filters and the money rules check, from pycountry's databases."""
    return {
        "countries": sorted(str(country.alpha_2) for country in pycountry.countries),
        "alpha_3": {str(country.alpha_3): str(country.alpha_2) for country in pycountry.countries},
        "currencies": sorted(str(currency.alpha_3) for currency in pycountry.currencies),
    }


def render_iso_codes() -> str:
    return json.dumps(iso_codes(), indent=0, sort_keys=True) + "\n"


def write() -> None:
    COUNTRY_NAMES_FILE.write_text(render(), encoding="utf-8")
    ISO_CODES_FILE.write_text(render_iso_codes(), encoding="utf-8")
