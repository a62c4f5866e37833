"""The leads API function on moto, invoked with API Gateway's payload 2.0 events."""

from __future__ import annotations

import pytest

from leaddesk_local.provision import Deployment
from tests.helpers.api import call_api
from tests.helpers.bus import envelope
from tests.helpers.ingest import invoke, marketplace_lead, sqs_event
from tests.helpers.tenants import Partners, or_current


def seed(partner: str, count: int) -> None:
    invoke(
        sqs_event(
            *[
                marketplace_lead(f"{partner}-{i}", partner=partner, email=f"c{i}@contoso.com")
                for i in range(count)
            ]
        )
    )


def list_leads(partner: str | None = None, **query: str) -> tuple[int, dict, dict]:  # type: ignore[type-arg]
    return call_api(
        "GET", "/leads", "/leads", partner=or_current(partner), query={k: [v] for k, v in query.items()}
    )


def test_lists_a_tab_newest_first_with_a_cursor(deployment: Deployment, partners: Partners) -> None:
    seed(partners.contoso, 5)
    status, first, _ = list_leads(limit="2")
    assert status == 200
    assert len(first["items"]) == 2 and first["next_cursor"]
    _, second, _ = list_leads(limit="2", cursor=first["next_cursor"])
    _, third, _ = list_leads(limit="2", cursor=second["next_cursor"])
    ids = [lead["lead_id"] for page in (first, second, third) for lead in page["items"]]
    assert len(ids) == 5 == len(set(ids))
    assert ids == sorted(ids, reverse=True)
    assert third["next_cursor"] is None


def test_tabs_separate_marketplace_and_qualified(deployment: Deployment, partners: Partners) -> None:
    invoke(
        sqs_event(
            envelope(
                "Qualified Lead",
                {
                    "partner_id": partners.contoso,
                    "event_id": "q1",
                    "lead_type": "sales_qualified",
                    "customer": {"company": "Northwind", "email": "a@northwind.com"},
                },
            )
        )
    )
    seed(partners.contoso, 1)
    _, marketplace, _ = list_leads()
    _, qualified, _ = list_leads(tab="qualified")
    assert [lead["lead_type"] for lead in marketplace["items"]] == ["offer"]
    assert [lead["lead_type"] for lead in qualified["items"]] == ["sales_qualified"]


def test_one_lead_with_its_etag_and_another_tenants_id_is_404(
    deployment: Deployment, partners: Partners
) -> None:
    seed(partners.contoso, 1)
    seed(partners.other, 1)
    _, page, _ = list_leads()
    lead_id = page["items"][0]["lead_id"]
    status, lead, headers = call_api(
        "GET", f"/leads/{lead_id}", "/leads/{lead_id}", path_parameters={"lead_id": lead_id}
    )
    assert status == 200 and lead["lead_id"] == lead_id
    assert headers["ETag"] == lead["etag"]
    status, body, _ = call_api(
        "GET",
        f"/leads/{lead_id}",
        "/leads/{lead_id}",
        partner=partners.other,
        path_parameters={"lead_id": lead_id},
    )
    assert status == 404 and lead_id in body["message"]
    _, other_page, _ = list_leads(partner=partners.other)
    assert lead_id not in {lead["lead_id"] for lead in other_page["items"]}


def test_tenant_and_roles_come_from_the_token(deployment: Deployment) -> None:
    assert call_api("GET", "/leads", "/leads", partner=None)[0] == 401
    assert call_api("GET", "/leads", "/leads", roles=("nobody",))[0] == 403
    assert call_api("GET", "/leads", "/leads", roles=("viewer",))[0] == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"tab": "nope"}, "tab"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"colour": "red"}, "colour"),
        ({"cursor": "garbage!"}, "cursor"),
    ],
)
def test_bad_parameters_answer_400_naming_the_field(
    deployment: Deployment, query: dict[str, str], field: str
) -> None:
    status, body, _ = list_leads(**query)
    assert status == 400
    assert body["field"] == field


def test_a_cursor_of_another_partner_is_refused(deployment: Deployment, partners: Partners) -> None:
    seed(partners.contoso, 3)
    _, page, _ = list_leads(limit="1")
    status, body, _ = list_leads(partner=partners.other, cursor=page["next_cursor"])
    assert status == 400 and body["field"] == "cursor"
