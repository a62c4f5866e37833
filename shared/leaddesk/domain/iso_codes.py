"""The ISO codes LeadDesk checks: countries (ISO 3166-1 alpha-2 and alpha-3) and currencies
(ISO 4217), as pycountry's databases list them.

`make country-names` gathers them into `iso_codes.json` (a test keeps the file equal to
pycountry's data): importing pycountry costs every function's cold start about 50 ms (it looks
up its own installed version through `importlib.metadata`), for three short lists.
"""

from __future__ import annotations

import json
from pathlib import Path

ISO_CODES_FILE = Path(__file__).with_name("iso_codes.json")

_CODES = json.loads(ISO_CODES_FILE.read_text(encoding="utf-8"))
# Sorted alpha-2 codes of every country.
COUNTRY_CODES: tuple[str, ...] = tuple(_CODES["countries"])
# Each country's alpha-3 code → its alpha-2 code.
ALPHA_3_TO_2: dict[str, str] = dict(_CODES["alpha_3"])
# Sorted alpha-3 codes of every currency.
CURRENCY_CODES: tuple[str, ...] = tuple(_CODES["currencies"])
