"""What a function loads before and on its first invocation: the leads and exports APIs and the
sweep never load the contact-validation libraries (only ingest, the notifier and the mail
feedback check addresses). Each case runs in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from leaddesk_local.template import PROJECT_ROOT

CONTACT_LIBRARIES = ("leaddesk.domain.contact", "email_validator", "phonenumbers", "disposable_email_domains")
PROBE = """
import importlib, json, sys
sys.path[:0] = [{shared!r}, {functions!r}]
for module in {modules!r}:
    importlib.import_module(module)
if {phone_checked!r}:
    from leaddesk.domain.contact import validate_phone
    validate_phone("+1 206 555 0100", "US")
print(json.dumps([name for name in {watched!r} if name in sys.modules]))
"""


def loaded(*modules: str, phone_checked: bool = False) -> list[str]:
    code = PROBE.format(
        shared=str(PROJECT_ROOT / "shared"),
        functions=str(PROJECT_ROOT / "functions"),
        modules=modules,
        phone_checked=phone_checked,
        watched=CONTACT_LIBRARIES,
    )
    environment = os.environ | {"POWERTOOLS_TRACE_DISABLED": "true"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    found: list[str] = json.loads(done.stdout)
    return found


@pytest.mark.parametrize(
    "modules",
    [
        ("leads_api.app", "leaddesk.services.leads", "leaddesk.adapters.store"),
        ("exports_api.app", "leaddesk.services.exports", "leaddesk.adapters.export_files"),
        ("sweep.app", "leaddesk.services.sweep"),
    ],
    ids=["leads API", "exports API and worker", "sweep"],
)
def test_functions_that_check_no_address_load_no_contact_validation(modules: tuple[str, ...]) -> None:
    assert loaded(*modules) == []


def test_the_probe_sees_the_libraries_where_they_are_loaded() -> None:
    """Ingest loads the address checks with its module and phonenumbers with its first phone."""
    without_phones = [name for name in CONTACT_LIBRARIES if name != "phonenumbers"]
    assert loaded("leaddesk.services.ingest") == without_phones
    assert loaded("leaddesk.services.ingest", phone_checked=True) == list(CONTACT_LIBRARIES)
