"""The low-severity findings of the second probe of the API, each kept fixed: a cursor of one list
given to another, a required text of invisible characters, a negative zero, a message quoting
a raw pattern, a look-alike settings address, a failed export's reason."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from leaddesk.domain.exports import row
from leaddesk.domain.models import Lead, LeadStatus
from leaddesk_local.provision import Deployment
from tests.helpers.api import call_api
from tests.helpers.ingest import invoke, marketplace_lead, sqs_event
from tests.helpers.leads import ACCEPT_BODY, make_lead, put_leads, spaced
from tests.helpers.notify import call_notify_api

LEAD = "01JD0000000000000000000000"


def accept(body: dict[str, Any], lead_id: str = LEAD) -> tuple[int, Any]:
    status, answer, _ = call_api(
        "POST",
        f"/leads/{lead_id}/accept",
        "/leads/{lead_id}/accept",
        body=body,
        path_parameters={"lead_id": lead_id},
    )
    return status, answer


def test_a_leads_cursor_is_400_on_notifications(deployment: Deployment) -> None:
    put_leads([make_lead(created_at=t) for t in spaced(3)], deployment.refs["LeadsTable"])
    status, page, _ = call_api("GET", "/leads", "/leads", query={"limit": ["1"]})
    assert status == 200 and page["next_cursor"]
    status, error = call_notify_api(
        "GET", "/notifications", "/notifications", roles=("viewer",), query={"cursor": [page["next_cursor"]]}
    )
    assert (status, error["field"]) == (400, "cursor"), error
    status, feed = call_notify_api("GET", "/notifications", "/notifications", roles=("viewer",))
    assert status == 200 and "items" in feed  # the feed answers; only the foreign cursor was refused


INVISIBLE = ["\u200b", "\u200b\u200d\u2060", "\ufeff", "\u00ad", "\u3164", "\u115f\u1160", "\u2800", "\u180e"]


@pytest.mark.parametrize("text", INVISIBLE, ids=[f"U+{ord(t[0]):04X}" for t in INVISIBLE])
def test_a_required_text_of_invisible_characters_is_422_in_words(deployment: Deployment, text: str) -> None:
    status, error = accept({**ACCEPT_BODY, "deal_name": text})
    assert (status, error["field"]) == (422, "deal_name"), error
    assert "visible character" in error["message"]
    # In words, never the pattern: no control or invisible characters, no regex syntax.
    assert all(unicodedata.category(ch)[0] != "C" for ch in error["message"]), repr(error["message"])
    assert "[^" not in error["message"] and "pattern" not in error["message"]


def test_a_required_text_with_a_visible_character_among_invisible_ones_is_kept(
    deployment: Deployment,
) -> None:
    invoke(sqs_event(marketplace_lead("e-visible")))
    status, page, _ = call_api("GET", "/leads", "/leads")
    lead_id = page["items"][0]["lead_id"]
    status, lead = accept({**ACCEPT_BODY, "deal_name": "\u200bA\u200d"}, lead_id)
    assert status == 200 and lead["deal_name"] == "\u200bA\u200d"


@pytest.mark.parametrize("field", ["preferred_email", "referral_admin_emails"])
def test_messages_about_an_address_say_what_is_expected_in_words(deployment: Deployment, field: str) -> None:
    value: Any = "ana\u0007@partner.example"
    body = {field: [value] if field == "referral_admin_emails" else value}
    status, error = call_notify_api("PUT", "/settings", "/settings", roles=("profile_admin",), body=body)
    assert status == 422 and error["field"].startswith(field), error
    assert all(unicodedata.category(ch)[0] != "C" for ch in error["message"]), repr(error["message"])
    assert "[^" not in error["message"] and "email address" in error["message"]


def test_minus_zero_is_stored_and_exported_as_zero(deployment: Deployment) -> None:
    invoke(sqs_event(marketplace_lead("e-zero")))
    status, page, _ = call_api("GET", "/leads", "/leads")
    lead_id = page["items"][0]["lead_id"]
    status, lead = accept({**ACCEPT_BODY, "estimated_value": -0.0}, lead_id)
    assert status == 200 and json.dumps(lead["estimated_value"]) == "0.0", lead["estimated_value"]
    status, stored, _ = call_api(
        "GET", f"/leads/{lead_id}", "/leads/{lead_id}", path_parameters={"lead_id": lead_id}
    )
    assert json.dumps(stored["estimated_value"]) == "0.0"
    exported = row(
        Lead.model_validate(make_lead(status=LeadStatus.ACCEPTED).model_dump() | {"estimated_value": "-0.00"})
    )
    assert not exported[19].startswith("-") and exported[19] in ("0.00", "0")


def test_a_look_alike_settings_address_is_refused_as_ingest_flags_it(deployment: Deployment) -> None:
    """Cyrillic `а` in a Latin domain label: ingest flags such a customer address; settings refuse it."""
    for body in (
        {"referral_admin_emails": ["ana@gm\u0430il.com"]},
        {"preferred_email": "ana@p\u0430ypal.com"},
    ):
        status, error = call_notify_api("PUT", "/settings", "/settings", roles=("profile_admin",), body=body)
        assert status == 422, error
        assert "mixes scripts" in error["message"], error
    status, saved = call_notify_api(
        "PUT", "/settings", "/settings", roles=("profile_admin",), body={"preferred_email": "ana@例え.jp"}
    )
    assert status == 200, saved  # one script (with Latin) per label is no look-alike
