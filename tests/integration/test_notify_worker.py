"""NotifyFunction on moto: who is emailed, at most once, and what failures leave behind."""

from __future__ import annotations

import base64
import email
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from leaddesk.adapters import aws
from leaddesk.adapters.dynamo.notify_items import delivery_key
from leaddesk.adapters.notify_store import NotifyStore
from leaddesk.domain.deliveries import Delivery, DeliveryState
from leaddesk.domain.models import EmailValidity, LeadStatus, LeadType, Outcome, Person, Referrer
from leaddesk_local.provision import Deployment, client
from tests.helpers.bus import drain, sent_body
from tests.helpers.leads import make_lead
from tests.helpers.notify import (
    export_envelope,
    inbox,
    lead_envelope,
    notifications,
    notify,
    put_settings,
    store,
)
from tests.helpers.tenants import Partners

ADMINS = ["ana@partner-contoso.com", "ben@partner-contoso.com"]
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def table(deployment: Deployment) -> str:
    put_settings(referral_admin_emails=ADMINS, language="en")
    return deployment.refs["LeadsTable"]


@pytest.fixture
def ses_faults(deployment: Deployment) -> Iterator[dict[str, list[str]]]:
    """SES refuses sends to an address with the error codes queued for it (one per try; the code
    `always:<Code>` every time); every other send really goes to moto."""
    faults: dict[str, list[str]] = {}
    tries: list[str] = []

    def refuse(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        raw = base64.b64decode(json.loads(params["body"])["Content"]["Raw"]["Data"])
        to = str(email.message_from_bytes(raw)["To"])
        tries.append(to)
        queued = faults.get(to)
        if not queued:
            return None
        code = queued[0].removeprefix("always:")
        if not queued[0].startswith("always:"):
            queued.pop(0)
        status = {"TooManyRequestsException": 429, "InternalFailure": 500, "ServiceUnavailable": 503}.get(
            code, 400
        )
        response = AWSResponse("https://email.us-east-1.amazonaws.com/", status, {}, None)
        metadata = {"HTTPStatusCode": status}
        return response, {
            "Error": {"Code": code, "Message": f"injected {code}"},
            "ResponseMetadata": metadata,
        }

    ses = aws.sesv2()
    ses.meta.events.register_first("before-call.sesv2.SendEmail", refuse)
    faults["__tries__"] = tries  # how many times each address was tried
    yield faults
    ses.meta.events.unregister("before-call.sesv2.SendEmail", refuse)


def test_a_new_offer_lead_emails_each_referral_admin_once(table: str) -> None:
    lead = make_lead(created_at=NOW, company="Fourth Coffee")
    store(table, lead)
    event = lead_envelope("lead.received", lead)
    assert notify(event) == {"batchItemFailures": []}
    assert notify(event, event) == {"batchItemFailures": []}  # redelivered, twice in one batch too
    for admin in ADMINS:
        [mail] = inbox(admin)
        assert mail.subject == "New lead: Fourth Coffee"
        assert "Lead type: Marketplace offer" in mail.text and "Call to action: Contact me" in mail.text
        assert "Quality: Medium" in mail.text
        assert f"/app/leads/{lead.lead_id}" in mail.text and f"/app/leads/{lead.lead_id}" in (mail.html or "")
        assert mail.header("x-leaddesk-notice") == "new_lead" and mail.header("x-priority") is None
    feed = notifications()
    assert feed["unread"] == 1
    [item] = feed["items"]
    assert (item["kind"], item["lead_id"], item["company"], item["read"]) == (
        "new_lead",
        lead.lead_id,
        "Fourth Coffee",
        False,
    )


def test_a_flame_lead_is_urgent_in_subject_and_headers(table: str) -> None:
    lead = make_lead(created_at=NOW, contact_requested=True, company="Wingtip Toys")
    store(table, lead)
    notify(lead_envelope("lead.received", lead))
    mail = inbox(ADMINS[0])[0]
    assert mail.subject == "[Urgent] New lead: Wingtip Toys"
    assert mail.header("x-priority") == "1 (Highest)" and mail.header("importance") == "high"
    assert "asked to be contacted directly" in mail.text


def test_informational_and_test_leads_notify_nobody(table: str) -> None:
    quiet = [
        make_lead(created_at=NOW, status=LeadStatus.INFORMATIONAL, call_to_action="get_it_now"),
        make_lead(
            created_at=NOW + timedelta(seconds=1), status=LeadStatus.INFORMATIONAL, do_not_contact=True
        ),
        make_lead(created_at=NOW + timedelta(seconds=2), is_test=True),
    ]
    store(table, *quiet)
    assert notify(*[lead_envelope("lead.received", lead) for lead in quiet]) == {"batchItemFailures": []}
    assert inbox() == []
    assert notifications()["items"] == []


def test_a_decline_tells_the_customer_unless_they_must_not_be_contacted(table: str) -> None:
    declined = make_lead(created_at=NOW, status=LeadStatus.ARCHIVED, outcome=Outcome.DECLINED)
    dnc = make_lead(
        created_at=NOW + timedelta(seconds=1),
        status=LeadStatus.ARCHIVED,
        outcome=Outcome.DECLINED,
        do_not_contact=True,
    )
    spam = make_lead(
        created_at=NOW + timedelta(seconds=2),
        status=LeadStatus.ARCHIVED,
        outcome=Outcome.DECLINED,
        email_validity=EmailValidity.SPAM,
    )
    store(table, declined, dnc, spam)
    notify(*[lead_envelope("lead.declined", lead) for lead in (declined, dnc, spam)])
    [mail] = inbox()
    assert mail.to == ["ada@contoso.com"] and "choose another partner" in mail.subject
    assert mail.text.startswith("Hello,") and "Ada" not in mail.text and "Lovelace" not in mail.text


def test_an_expiry_tells_the_referrer(table: str) -> None:
    lead = make_lead(
        created_at=NOW,
        lead_type=LeadType.SALES_QUALIFIED,
        status=LeadStatus.ARCHIVED,
        outcome=Outcome.EXPIRED,
        referrer=Referrer(kind="operator", name="Liam", email="liam@operator-sales.com"),
        assigned_contact=Person(name="Emma", email="emma@partner-contoso.com"),
    )
    store(table, lead)
    notify(lead_envelope("lead.expired", lead, notify="referrer"))
    [mail] = inbox()
    assert mail.to == ["liam@operator-sales.com"]
    assert mail.subject == "A lead you referred expired: Contoso" and "14 days" in mail.text


def test_a_rejected_address_is_recorded_and_shown_in_the_action_center(
    table: str, ses_faults: dict[str, list[str]]
) -> None:
    ses_faults[ADMINS[0]] = ["always:MessageRejected"]
    lead = make_lead(created_at=NOW)
    store(table, lead)
    assert notify(lead_envelope("lead.received", lead)) == {"batchItemFailures": []}  # nothing to retry
    assert inbox(ADMINS[0]) == [] and len(inbox(ADMINS[1])) == 1
    items = notifications()["items"]
    failed = [item for item in items if item["kind"] == "send_failed"]
    assert (
        len(failed) == 1 and failed[0]["recipient"] == ADMINS[0] and "MessageRejected" in failed[0]["reason"]
    )
    notify(lead_envelope("lead.received", lead))  # a redelivery neither retries nor reports again
    assert ses_faults["__tries__"].count(ADMINS[0]) == 1
    assert len(notifications()["items"]) == len(items)


def test_throttling_is_retried_with_backoff_then_left_to_sqs(
    table: str, ses_faults: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("leaddesk.adapters.mailer.time.sleep", lambda _: None)
    lead = make_lead(created_at=NOW)
    store(table, lead)
    ses_faults[ADMINS[0]] = ["TooManyRequestsException", "TooManyRequestsException"]  # then it goes
    ses_faults[ADMINS[1]] = ["always:TooManyRequestsException"]
    event = lead_envelope("lead.received", lead)
    first = notify(event, message_ids=["m-1"])
    assert first == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}  # ben's email is still owed
    assert len(inbox(ADMINS[0])) == 1 and inbox(ADMINS[1]) == []
    assert ses_faults["__tries__"].count(ADMINS[0]) == 3 and ses_faults["__tries__"].count(ADMINS[1]) == 5
    ses_faults[ADMINS[1]] = []  # SES has room again: SQS's redelivery sends it, and only it
    assert notify(event, message_ids=["m-1"]) == {"batchItemFailures": []}
    assert len(inbox(ADMINS[0])) == 1 and len(inbox(ADMINS[1])) == 1


def test_an_interrupted_send_is_never_sent_again(
    deployment: Deployment, table: str, partners: Partners
) -> None:
    """A `sending` record older than the lease: SES may have taken it; at most once wins."""
    crashed, running = make_lead(created_at=NOW), make_lead(created_at=NOW + timedelta(seconds=1))
    store(table, crashed, running)
    notify_store = NotifyStore(aws.dynamodb(), table)
    long_ago, just_now = datetime.now(UTC) - timedelta(minutes=10), datetime.now(UTC)
    for lead, at in ((crashed, long_ago), (running, just_now)):
        for admin in ADMINS:
            delivery = Delivery(
                partners.contoso,
                f"new_lead#{lead.lead_id}",
                admin,
                "referral_admin",
                DeliveryState.SENDING,
                at,
            )
            notify_store.record([delivery])
    answer = notify(
        lead_envelope("lead.received", crashed),
        lead_envelope("lead.received", running),
        message_ids=["c", "r"],
    )
    assert answer == {"batchItemFailures": [{"itemIdentifier": "r"}]}  # the young one may still be sending
    assert inbox() == []
    unconfirmed = [item for item in notifications()["items"] if item["kind"] == "send_unconfirmed"]
    assert sorted(item["recipient"] for item in unconfirmed) == ADMINS
    notify(lead_envelope("lead.received", crashed))
    assert len([i for i in notifications()["items"] if i["kind"] == "send_unconfirmed"]) == 2


def test_a_server_error_of_ses_leaves_only_that_send_unconfirmed(
    deployment: Deployment, table: str, ses_faults: dict[str, list[str]], partners: Partners
) -> None:
    """SES answering one send of a batch with a 5xx: that email may or may not have gone, so it is
    never sent again; the batch's other emails went, and are recorded `sent` (found by the
    fault-injection suite: one 5xx used to leave every email of the batch `sending`, and each was
    later reported unconfirmed though SES had accepted it)."""
    lead = make_lead(created_at=NOW)
    store(table, lead)
    ses_faults[ADMINS[0]] = ["InternalFailure"]
    event = lead_envelope("lead.received", lead)
    assert notify(event, message_ids=["m-1"]) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert inbox(ADMINS[0]) == [] and len(inbox(ADMINS[1])) == 1
    db, key = client("dynamodb", None), f"new_lead#{lead.lead_id}"
    items = {
        admin: db.get_item(TableName=table, Key=delivery_key(partners.contoso, key, admin))
        for admin in ADMINS
    }
    states = {admin: item["Item"]["state"]["S"] for admin, item in items.items()}
    assert states == {ADMINS[0]: "sending", ADMINS[1]: "sent"}
    # SQS delivers the record again after its visibility timeout, which is longer than the lease.
    earlier = Delivery(
        partners.contoso, key, ADMINS[0], "referral_admin", DeliveryState.SENDING, NOW - timedelta(minutes=3)
    )
    NotifyStore(aws.dynamodb(), table).record([earlier])
    assert notify(event, message_ids=["m-1"]) == {"batchItemFailures": []}
    assert inbox(ADMINS[0]) == [] and len(inbox(ADMINS[1])) == 1  # neither is sent again
    unconfirmed = [item for item in notifications()["items"] if item["kind"] == "send_unconfirmed"]
    assert [item["recipient"] for item in unconfirmed] == [ADMINS[0]]


def test_an_unconfirmed_send_is_never_without_its_item(
    deployment: Deployment, table: str, partners: Partners
) -> None:
    """The delivery turns `unconfirmed` in the transaction that adds its action-center item: when
    that write fails, the next delivery of the event finds it still `sending` and reports it (found
    by the fault-injection suite: the state was written first, the item after, and a failed item
    write left an unconfirmed send nobody was told about)."""
    lead = make_lead(created_at=NOW)
    store(table, lead)
    for admin in ADMINS:
        stale = Delivery(
            partners.contoso,
            f"new_lead#{lead.lead_id}",
            admin,
            "referral_admin",
            DeliveryState.SENDING,
            datetime.now(UTC) - timedelta(minutes=10),
        )
        NotifyStore(aws.dynamodb(), table).record([stale])

    def throttled(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        response = AWSResponse("https://dynamodb.us-east-1.amazonaws.com/", 400, {}, None)  # type: ignore[arg-type]
        error = {"Code": "ProvisionedThroughputExceededException", "Message": "injected"}
        return response, {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}

    db = aws.dynamodb()
    db.meta.events.register_first("before-call.dynamodb.TransactWriteItems", throttled)
    with pytest.raises(ClientError):
        notify(lead_envelope("lead.received", lead))
    db.meta.events.unregister("before-call.dynamodb.TransactWriteItems", throttled)
    states = {item["state"]["S"] for item in _deliveries(table, partners.contoso, lead.lead_id)}
    assert states == {"sending"}  # nothing settled without its item
    assert notify(lead_envelope("lead.received", lead)) == {"batchItemFailures": []}  # SQS again
    unconfirmed = [item for item in notifications()["items"] if item["kind"] == "send_unconfirmed"]
    assert sorted(item["recipient"] for item in unconfirmed) == ADMINS
    assert {item["state"]["S"] for item in _deliveries(table, partners.contoso, lead.lead_id)} == {
        "unconfirmed"
    }
    assert notifications()["unread"] == 2 and inbox() == []


def _deliveries(table: str, partner: str, lead_id: str) -> list[dict[str, Any]]:
    db = client("dynamodb", None)
    return [
        db.get_item(TableName=table, Key=delivery_key(partner, f"new_lead#{lead_id}", admin))["Item"]
        for admin in ADMINS
    ]


def test_a_malformed_event_goes_to_the_dead_letter_queue_with_its_reason(
    deployment: Deployment, partners: Partners
) -> None:
    bad = {"detail-type": "lead.received", "detail": {"partner_id": partners.contoso}}
    unknown = lead_envelope("lead.received", make_lead(created_at=NOW))  # no such lead stored
    assert notify(bad, "not json", unknown) == {"batchItemFailures": []}
    letters = drain(deployment.outputs["NotifyDeadLetterQueueUrl"])
    reasons = sorted(
        (m["_attributes"]["leaddesk-field"], m["_attributes"]["leaddesk-reason"]) for m in letters
    )
    assert [field for field, _ in reasons] == ["body", "detail.lead_id", "detail.lead_id"]
    assert any("no lead" in reason for _, reason in reasons)


def test_exports_on_the_bus_email_the_requester_with_a_workspace_link(
    deployment: Deployment, table: str, partners: Partners
) -> None:
    events = client("events", None)
    bus = deployment.outputs["EventBusName"]
    requester = "ana@partner-contoso.com"
    done = export_envelope(
        "export.completed",
        partners.contoso,
        "exp-1",
        requester_email=requester,
        row_count=42,
        completed_at=NOW,
    )
    later = (NOW + timedelta(seconds=1)).isoformat()
    failed = export_envelope(
        "export.failed",
        partners.contoso,
        "exp-2",
        requester_email=requester,
        reason="too many rows",
        completed_at=later,
    )
    anonymous = export_envelope("export.completed", partners.contoso, "exp-3", completed_at=NOW)
    entries = [
        {
            "Source": "leaddesk",
            "DetailType": e["detail-type"],
            "Detail": json.dumps(e["detail"], default=str),
            "EventBusName": bus,
        }
        for e in (done, failed, anonymous)
    ]
    assert not events.put_events(Entries=entries).get("FailedEntryCount")
    queued = [sent_body(m) for m in drain(deployment.refs["NotifyQueue"])]
    assert len(queued) == 3  # the rule routes exports' events to the notifier
    assert notify(*queued) == {"batchItemFailures": []}
    ready, broken = sorted(inbox("ana@partner-contoso.com"), key=lambda m: m.subject, reverse=True)
    assert ready.subject == "Your LeadDesk export is ready" and "42 leads" in ready.text
    assert "/app/exports/exp-1" in ready.text and "X-Amz" not in ready.text  # a page, never a presigned link
    assert broken.subject == "Your LeadDesk export failed" and "too many rows" in broken.text
    kinds = sorted(item["kind"] for item in notifications()["items"])
    assert kinds == ["export_failed", "export_ready", "export_ready"]
