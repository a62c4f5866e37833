"""Countries as producers write them: codes, names in the six languages and the country's own,
short and former forms; an unmatched name is kept and explained, never dropped silently."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leaddesk.domain.contact import ContactValidator
from leaddesk.domain.countries import COUNTRY_NAMES_FILE, country_code
from leaddesk.domain.inbound import IngestContext, parse_inbound
from leaddesk.domain.notify_settings import checked_country
from leaddesk_local.country_names import render
from leaddesk_local.template import PROJECT_ROOT


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("TR", "TR"),
        ("tur", "TR"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("turkiye", "TR"),
        ("Turquie", "TR"),
        ("Turchia", "TR"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("Royaume-Uni", "GB"),
        ("Birleşik Krallık", "GB"),
        ("USA", "US"),
        ("United States", "US"),
        ("Russia", "RU"),
        ("Россия", "RU"),
        ("Deutschland", "DE"),
        ("Almanya", "DE"),
        ("Pays-Bas", "NL"),
        ("pays bas", "NL"),
        ("Olanda", "NL"),
        ("Nederland", "NL"),
        ("Hollanda", "NL"),
        ("Magyarország", "HU"),
        ("Ungheria", "HU"),
        ("Hongarije", "HU"),
        ("Italie", "IT"),
        ("Olaszország", "IT"),
        ("FRA", "FR"),
        ("Frankrijk", "FR"),
        ("  France  ", "FR"),
    ],
)
def test_codes_and_names_in_any_of_the_languages_map_to_alpha_2(written: str, code: str) -> None:
    assert country_code(written) == code


@pytest.mark.parametrize("written", ["Atlantis", "Narnia", "", "   ", None, "XX", "ZZZ"])
def test_what_names_no_country_maps_to_none(written: str | None) -> None:
    assert country_code(written) is None


def test_every_sample_event_country_is_mapped() -> None:
    """The sample leads the local stack ingests: none may lose its country (Fourth Coffee's
    "Turkey" once did, so the TR filter missed it)."""
    written = {}
    for path in sorted((PROJECT_ROOT / "events" / "inbound").glob("*.json")):
        detail = json.loads(path.read_text(encoding="utf-8"))["detail"]
        customer = detail.get("UserDetails") or detail.get("customer") or {}
        if country := customer.get("Country") or customer.get("country"):
            written[path.name] = country
    assert len(written) >= 5, "the samples carry countries"
    assert {name: country for name, country in written.items() if country_code(country) is None} == {}


def _profile_inquiry(country: str) -> dict[str, object]:
    return {
        "partner_id": "p-contoso",
        "event_id": f"evt-{country}",
        "customer": {
            "first_name": "Ada",
            "last_name": "Byron",
            "email": "ada@contoso.com",
            "phone": "+44 20 7946 0958",
            "country": country,
            "company": "Analytical Engines",
        },
        "need": "A demo",
    }


CONTEXT = IngestContext("01JD0000000000000000000000", datetime(2026, 12, 6, tzinfo=UTC), ContactValidator())


def test_a_lead_written_with_a_country_name_is_stored_with_its_code() -> None:
    lead = parse_inbound("Profile Inquiry", _profile_inquiry("Regno Unito"), CONTEXT)
    assert lead.customer.country == "GB"
    assert not any("country" in reason for reason in lead.quality_reasons)


def test_an_unmatched_country_is_kept_as_given_with_a_quality_reason() -> None:
    lead = parse_inbound("Profile Inquiry", _profile_inquiry("Narnia"), CONTEXT)
    assert lead.customer.country is None
    assert "unknown_country:Narnia" in lead.ingest_flags
    assert "country not recognised: Narnia" in lead.quality_reasons


def test_settings_locations_take_the_same_names() -> None:
    assert checked_country("Türkiye") == "TR"
    with pytest.raises(ValueError, match="names no country"):
        checked_country("Narnia")


def test_the_names_file_is_in_step_with_its_sources() -> None:
    """CLDR (Babel), pycountry and the alternative forms give exactly the committed file;
    `make country-names` rebuilds it after a dependency upgrade."""
    assert COUNTRY_NAMES_FILE.read_text(encoding="utf-8") == render(), "run `make country-names`"
    assert Path(COUNTRY_NAMES_FILE).stat().st_size < 64_000  # one small read on first use


def test_the_iso_codes_file_is_pycountrys_data() -> None:
    """The country and currency codes every function checks are pycountry's, read from a small
    file so no function imports pycountry; `make country-names` rebuilds it after an upgrade."""
    import pycountry

    from leaddesk.domain.iso_codes import ALPHA_3_TO_2, COUNTRY_CODES, CURRENCY_CODES, ISO_CODES_FILE
    from leaddesk_local.country_names import render_iso_codes

    assert ISO_CODES_FILE.read_text(encoding="utf-8") == render_iso_codes(), "run `make country-names`"
    assert set(COUNTRY_CODES) == {country.alpha_2 for country in pycountry.countries}
    assert ALPHA_3_TO_2["TUR"] == "TR" and len(ALPHA_3_TO_2) == len(COUNTRY_CODES)
    assert set(CURRENCY_CODES) == {currency.alpha_3 for currency in pycountry.currencies}


def test_no_function_imports_pycountry() -> None:
    """Importing pycountry looks up its installed version through importlib.metadata (about
    50 ms of a cold start); the handlers read the codes from `iso_codes.json` instead."""
    import subprocess
    import sys

    modules = "ingest.app, leads_api.app, exports_api.app, leaddesk.services.ingest, leaddesk.domain.money"
    code = f"import sys; import {modules}; print('pycountry' in sys.modules)"
    paths = [str(PROJECT_ROOT / "functions"), str(PROJECT_ROOT / "shared")]
    found = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path[:0] = {paths!r}; {code}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert found == "False"
