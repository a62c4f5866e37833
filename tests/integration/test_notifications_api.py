"""The notifications API on moto: settings (validated, role-gated) and the action center's feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leaddesk_local.provision import Deployment
from tests.helpers.leads import make_lead
from tests.helpers.notify import call_notify_api, lead_envelope, notify, put_settings, store
from tests.helpers.tenants import Partners

GOOD = {
    "preferred_email": "Leads@Partner-Contoso.com",
    "referral_admin_emails": [
        "ana@partner-contoso.com",
        "ana@partner-contoso.com",
        "ben@partner-contoso.com",
    ],
    "locations": {"it": "milano@partner-contoso.com", "Netherlands": "amsterdam@partner-contoso.com"},
    "language": "nl",
}


def test_settings_default_then_saved_and_read_by_any_role(deployment: Deployment, partners: Partners) -> None:
    status, empty = call_notify_api("GET", "/settings", "/settings", roles=("viewer",))
    assert status == 200 and empty["referral_admin_emails"] == [] and empty["language"] == "en"
    saved = put_settings(**GOOD)
    assert saved["preferred_email"] == "Leads@partner-contoso.com"  # the domain normalised, as ingest does
    assert saved["referral_admin_emails"] == ["ana@partner-contoso.com", "ben@partner-contoso.com"]
    assert saved["locations"] == {"IT": "milano@partner-contoso.com", "NL": "amsterdam@partner-contoso.com"}
    status, read = call_notify_api("GET", "/settings", "/settings", roles=("viewer",))
    assert status == 200 and read == saved and read["updated_by"] == f"user-{partners.contoso}"
    status, other = call_notify_api("GET", "/settings", "/settings", partner=partners.fabrikam)
    assert other["referral_admin_emails"] == []  # another tenant's settings are its own


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"preferred_email": "not-an-address"}, "preferred_email"),
        ({"referral_admin_emails": ["ok@partner-contoso.com", "x@example.com"]}, "referral_admin_emails.1"),
        ({"referral_admin_emails": ["someone@mailinator.com"]}, "referral_admin_emails.0"),
        ({"locations": {"Atlantis": "a@partner-contoso.com"}}, "locations.Atlantis.[key]"),
        ({"locations": {"FR": "nope"}}, "locations.FR"),
        ({"language": "de"}, "language"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_settings_answer_422_naming_the_field(
    deployment: Deployment, change: dict[str, object], field: str
) -> None:
    status, body = call_notify_api("PUT", "/settings", "/settings", body=GOOD | change)
    assert status == 422, body
    assert body["field"] == field, body


def test_settings_are_changed_by_profile_or_referrals_admins_only(deployment: Deployment) -> None:
    for role, expected in (("viewer", 403), ("profile_admin", 200), ("referrals_admin", 200)):
        status, _ = call_notify_api("PUT", "/settings", "/settings", roles=(role,), body=GOOD)
        assert status == expected, role


def test_the_feed_newest_first_by_cursor_with_unread_count_and_marking_read(
    deployment: Deployment, partners: Partners
) -> None:
    table = deployment.refs["LeadsTable"]
    start = datetime.now(UTC) - timedelta(hours=1)
    leads = [make_lead(created_at=start + timedelta(minutes=n), company=f"Company {n}") for n in range(5)]
    store(table, *leads)
    assert call_notify_api("PUT", "/settings", "/settings", body=GOOD)[0] == 200  # someone to tell
    notify(*[lead_envelope("lead.received", lead) for lead in leads])

    def page(**query: str) -> dict[str, object]:
        status, body = call_notify_api(
            "GET",
            "/notifications",
            "/notifications",
            roles=("viewer",),
            query={k: [v] for k, v in query.items()},
        )
        assert status == 200, body
        result: dict[str, object] = body
        return result

    first = page(limit="2")
    assert [i["company"] for i in first["items"]] == ["Company 4", "Company 3"] and first["unread"] == 5  # type: ignore[index]
    second = page(limit="2", cursor=str(first["next_cursor"]))
    third = page(limit="2", cursor=str(second["next_cursor"]))
    assert [i["company"] for i in second["items"] + third["items"]] == ["Company 2", "Company 1", "Company 0"]  # type: ignore[operator]
    assert third["next_cursor"] is None

    newest = first["items"][0]["notification_id"]  # type: ignore[index]
    path = f"/notifications/{newest}/read"
    route = "/notifications/{notification_id}/read"
    assert (
        call_notify_api("POST", path, route, roles=("viewer",), path_parameters={"notification_id": newest})[
            0
        ]
        == 403
    )
    for _ in range(2):  # idempotent
        assert call_notify_api("POST", path, route, path_parameters={"notification_id": newest})[0] == 204
    after = page()
    assert after["unread"] == 4 and after["items"][0]["read"] is True and after["items"][1]["read"] is False  # type: ignore[index]

    unknown = "20260101T000000000000Z.new_lead.NOPE"
    assert (
        call_notify_api(
            "POST", f"/notifications/{unknown}/read", route, path_parameters={"notification_id": unknown}
        )[0]
        == 404
    )
    assert (
        call_notify_api(
            "POST", path, route, partner=partners.fabrikam, path_parameters={"notification_id": newest}
        )[0]
        == 404
    )

    status, body = call_notify_api(
        "POST", "/notifications/read-all", "/notifications/read-all", roles=("profile_admin",)
    )
    assert status == 200 and body == {"unread": 0}
    everything = page(limit="100")
    assert everything["unread"] == 0 and all(item["read"] for item in everything["items"])  # type: ignore[attr-defined]

    later = make_lead(created_at=datetime.now(UTC) + timedelta(seconds=5), company="Later")
    store(table, later)
    notify(lead_envelope("lead.received", later))
    assert page()["unread"] == 1


def test_a_foreign_or_broken_cursor_is_400(deployment: Deployment, partners: Partners) -> None:
    from leaddesk.adapters.action_center import encode_cursor

    foreign = encode_cursor(partners.fabrikam, "20260101T000000000000Z.new_lead.X")
    for cursor in (foreign, "%%%", "bm90IGpzb24"):
        status, body = call_notify_api("GET", "/notifications", "/notifications", query={"cursor": [cursor]})
        assert status == 400 and body["field"] == "cursor", body
    status, body = call_notify_api("GET", "/notifications", "/notifications", query={"limit": ["0"]})
    assert status == 400 and body["field"] == "limit"
    status, body = call_notify_api("GET", "/notifications", "/notifications", query={"page": ["2"]})
    assert status == 400 and body["field"] == "page"
