"""The ingest function on moto refusing what it cannot read for sure: keys that differ only by
case (which tenant was meant is ambiguous) are dead-lettered, never ingested; a refusal's reason
names the field and the rule, never the value, in the logs, the dead letter's attributes and
`leaddesk dlq list`."""

from __future__ import annotations

import pytest

from leaddesk.adapters.dead_letters import DeadLetterQueue
from leaddesk_local.provision import Deployment, client
from tests.helpers.bus import envelope
from tests.helpers.ingest import invoke, leads_of, sqs_event
from tests.helpers.tenants import Partners

SECRET = "ada.leak@secret.example"


def dead_letters(deployment: Deployment) -> list[dict[str, str | None]]:
    dlq = DeadLetterQueue(client("sqs", None), deployment.outputs["IngestDeadLetterQueueUrl"])
    with dlq.held() as letters:
        return [letter.summary() for letter in letters]


def test_a_tenant_chosen_by_key_case_is_dead_lettered_not_ingested(
    deployment: Deployment, partners: Partners
) -> None:
    event = envelope(
        "Marketplace Lead",
        {
            "partner_id": partners.contoso,
            "Partner_ID": partners.other,
            "event_id": "e-ambiguous",
            "UserDetails": {"Email": "ada@contoso.com", "Company": "Contoso"},
        },
    )
    assert invoke(sqs_event(event)) == {"batchItemFailures": []}
    assert leads_of(partners.contoso) == [] and leads_of(partners.other) == []
    [letter] = [row for row in dead_letters(deployment) if row["event_id"] == "e-ambiguous"]
    assert letter["field"] == "partner_id"
    assert letter["reason"] == "the keys 'partner_id' and 'Partner_ID' differ only in case or spacing"


@pytest.mark.parametrize(
    ("detail_type", "detail", "field"),
    [
        ("Profile Inquiry", {"lead_source": SECRET}, "lead_source"),
        ("Qualified Lead", {"lead_type": "sales_qualified", "currency": SECRET}, "currency"),
        ("Qualified Lead", {"lead_type": SECRET}, "lead_type"),
    ],
)
def test_a_dead_letters_reason_never_echoes_the_value(
    deployment: Deployment,
    partners: Partners,
    caplog: pytest.LogCaptureFixture,
    detail_type: str,
    detail: dict[str, str],
    field: str,
) -> None:
    event = envelope(detail_type, {"partner_id": partners.contoso, "event_id": f"e-{field}", **detail})
    assert invoke(sqs_event(event)) == {"batchItemFailures": []}
    logged = [record.__dict__ for record in caplog.records if record.getMessage().endswith("dead_letter")]
    [letter] = [row for row in dead_letters(deployment) if row["event_id"] == f"e-{field}"]
    assert letter["field"] == field and letter["reason"] and letter["reason"].startswith("is not ")
    assert SECRET not in str(letter["reason"])
    assert [entry["reason"] for entry in logged] == [f"{field}: {letter['reason']}"]  # logged, without it
    assert SECRET not in str(logged)
