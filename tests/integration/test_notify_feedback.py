"""Customer email and SES feedback on moto: what SES really sent, suppressions, the lead's emails."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from leaddesk.domain.feedback import FeedbackKind, ses_event
from leaddesk.domain.models import CloseReason, Closure, Customer, LeadStatus, Outcome
from leaddesk_local.lambda_events import LambdaContext
from leaddesk_local.provision import Deployment, client
from tests.helpers.api import call_api
from tests.helpers.bus import drain, sent_body
from tests.helpers.ingest import sqs_event
from tests.helpers.leads import make_lead
from tests.helpers.notify import (
    call_notify_api,
    dynamodb_failing,
    export_envelope,
    inbox,
    lead_envelope,
    notifications,
    notify,
    pump,
    put_settings,
    store,
    suppression_read_failing,
)
from tests.helpers.tenants import Partners, or_current

NOW = datetime.now(UTC).replace(microsecond=0)
ANA = "ana@partner-contoso.com"


@pytest.fixture
def partner(deployment: Deployment, partners: Partners) -> str:
    put_settings(partners.contoso, referral_admin_emails=[ANA], display_name="Contoso Consulting")
    return partners.contoso


def feedback(*bodies: Any) -> dict[str, Any]:
    from mail_feedback.app import handler

    answer: dict[str, Any] = handler(sqs_event(*bodies), LambdaContext(function_name="MailFeedbackFunction"))
    return answer


def publish_feedback(deployment: Deployment, kind: FeedbackKind, address: str, partner: str) -> int:
    """SES's feedback through the stack's own path: the topic, its subscription, the queue, the
    function. The number of messages the function got."""
    event = ses_event(kind, address, partner, "ses-message-1", NOW, f"fb-{kind.value}-{address}")
    client("sns", None).publish(
        TopicArn=deployment.outputs["MailFeedbackTopicArn"], Message=json.dumps(event)
    )
    messages = drain(deployment.refs["MailFeedbackQueue"])
    bodies = [sent_body(m) for m in messages]
    assert feedback(*bodies) == {"batchItemFailures": []}
    return len(bodies)


def lead_view(lead_id: str, partner: str | None = None) -> tuple[dict[str, Any], str]:
    status, body, headers = call_api(
        "GET",
        f"/leads/{lead_id}",
        "/leads/{lead_id}",
        or_current(partner),
        ("viewer",),
        path_parameters={"lead_id": lead_id},
    )
    assert status == 200, body
    return body, headers["ETag"]


def suppressions(partner: str | None = None) -> list[dict[str, Any]]:
    status, body = call_notify_api(
        "GET", "/settings/suppressions", "/settings/suppressions", partner, ("viewer",)
    )
    assert status == 200, body
    items: list[dict[str, Any]] = body["items"]
    return items


def clear(address: str, roles: tuple[str, ...] = ("referrals_admin",)) -> int:
    path = f"/settings/suppressions/{address.replace('@', '%40')}"
    status, _ = call_notify_api(
        "DELETE",
        path,
        "/settings/suppressions/{address}",
        None,
        roles,
        path_parameters={"address": address.replace("@", "%40")},
    )
    return status


def new_lead(deployment: Deployment, seconds: int, **fields: Any) -> str:
    lead = make_lead(created_at=NOW + timedelta(seconds=seconds), company=f"Company {seconds}", **fields)
    store(deployment.refs["LeadsTable"], lead)
    assert notify(lead_envelope("lead.received", lead)) == {"batchItemFailures": []}
    return lead.lead_id


def declined(deployment: Deployment, **fields: Any) -> str:
    lead = make_lead(created_at=NOW, status=LeadStatus.ARCHIVED, outcome=Outcome.DECLINED, **fields)
    store(deployment.refs["LeadsTable"], lead)
    assert notify(lead_envelope("lead.declined", lead)) == {"batchItemFailures": []}
    return lead.lead_id


def test_a_spam_or_phishing_decline_sends_nothing(deployment: Deployment, partner: str) -> None:
    lead_id = declined(deployment, closure=Closure(reason=CloseReason.ABUSE_SPAM_OR_PHISHING))
    assert inbox() == []
    assert lead_view(lead_id)[0]["emails"] == []


def test_the_decline_email_names_the_partner_in_the_customers_language_and_joins_the_history(
    deployment: Deployment, partner: str
) -> None:
    before = make_lead(created_at=NOW, status=LeadStatus.ARCHIVED, outcome=Outcome.DECLINED, country="IT")
    store(deployment.refs["LeadsTable"], before)
    _, etag = lead_view(before.lead_id)
    assert notify(lead_envelope("lead.declined", before)) == {"batchItemFailures": []}
    [mail] = inbox("ada@contoso.com")
    assert "Contoso Consulting non è in grado" in mail.text and "Ada" not in mail.text
    assert not [name for name in mail.headers if name.startswith("x-leaddesk")]
    view, etag_after = lead_view(before.lead_id)
    assert etag_after == etag  # the email is beside the lead: an If-Match stays valid
    [entry] = view["emails"]
    assert (entry["kind"], entry["recipients"], entry["outcome"]) == ("declined", ["ada@contoso.com"], "sent")


def test_a_bounce_suppresses_the_next_send_and_clearing_it_sends_again(
    deployment: Deployment, partner: str
) -> None:
    first = new_lead(deployment, 1)
    assert len(inbox(ANA)) == 1
    assert publish_feedback(deployment, FeedbackKind.BOUNCE, ANA, partner) == 1
    [suppressed] = suppressions()
    assert (suppressed["address"], suppressed["kind"]) == (ANA, "bounce")
    [item] = [i for i in notifications(partner)["items"] if i["kind"] == "address_suppressed"]
    assert item["recipient"] == ANA and not item["read"]

    second = new_lead(deployment, 2)
    assert len(inbox(ANA)) == 1  # nothing more went to it
    [entry] = lead_view(second)[0]["emails"]
    assert (entry["kind"], entry["recipients"], entry["outcome"]) == ("new_lead", [ANA], "suppressed")
    assert lead_view(first)[0]["emails"][0]["outcome"] == "sent"

    assert clear(ANA, ("viewer",)) == 403 and clear(ANA, ("profile_admin",)) == 403
    assert clear(ANA) == 204 and suppressions() == []
    assert clear(ANA) == 404
    new_lead(deployment, 3)
    assert len(inbox(ANA)) == 2


def delivery_state(deployment: Deployment, partner: str, notice: str, address: str) -> str | None:
    answer = client("dynamodb", None).get_item(
        TableName=deployment.refs["LeadsTable"],
        Key={"PK": {"S": f"P#{partner}"}, "SK": {"S": f"DLV#{notice}#{address.lower()}"}},
        ConsistentRead=True,
    )
    return answer["Item"]["state"]["S"] if "Item" in answer else None


def test_a_batch_whose_suppression_read_fails_claims_nothing_and_its_redelivery_holds_the_email_back(
    deployment: Deployment, partner: str
) -> None:
    """An export ready for a requester whose address bounced: when the batch's suppression read
    fails (throttled past the SDK's retries), nothing is claimed — no delivery is left `sending`,
    which the redelivery could only call unconfirmed, though nothing reached SES — and the
    redelivery records the email `suppressed`, never sent."""
    requester = "rita@partner-contoso.com"
    assert publish_feedback(deployment, FeedbackKind.BOUNCE, requester, partner) == 1
    body = export_envelope("export.completed", partner, "x-read-1", requester_email=requester, row_count=3)
    with suppression_read_failing() as failed, pytest.raises(ClientError):
        notify(body, message_ids=["m-export-1"])
    assert failed == ["BatchGetItem"]
    assert delivery_state(deployment, partner, "export_ready#x-read-1", requester) is None
    assert notify(body, message_ids=["m-export-1"]) == {"batchItemFailures": []}  # SQS redelivers it
    assert delivery_state(deployment, partner, "export_ready#x-read-1", requester) == "suppressed"
    assert inbox(requester) == []


def test_an_email_held_back_for_a_suppressed_address_is_final_with_its_claim(
    deployment: Deployment, partner: str
) -> None:
    """The delivery to an address known suppressed is claimed `suppressed` at once: when the
    batch's outcome write then fails, nothing is left `sending` (which its redelivery could only
    call unconfirmed, though nothing was handed to SES), and the redelivery adds nothing."""
    requester = "rosa@partner-contoso.com"
    assert publish_feedback(deployment, FeedbackKind.BOUNCE, requester, partner) == 1
    body = export_envelope("export.completed", partner, "x-held-1", requester_email=requester, row_count=3)
    with dynamodb_failing("BatchWriteItem") as failed, pytest.raises(ClientError):
        notify(body, message_ids=["m-export-held"])
    assert failed == ["BatchWriteItem"]
    assert delivery_state(deployment, partner, "export_ready#x-held-1", requester) == "suppressed"
    assert notify(body, message_ids=["m-export-held"]) == {"batchItemFailures": []}  # SQS redelivers it
    assert delivery_state(deployment, partner, "export_ready#x-held-1", requester) == "suppressed"
    assert inbox(requester) == []


def test_feedback_delivered_twice_suppresses_once_with_one_item(
    deployment: Deployment, partner: str, partners: Partners
) -> None:
    event = json.dumps(ses_event(FeedbackKind.COMPLAINT, ANA, partner, "m-1", NOW, "fb-twice"))
    assert feedback(event, event) == {"batchItemFailures": []}
    assert feedback(event) == {"batchItemFailures": []}
    assert [s["kind"] for s in suppressions()] == ["complaint"]
    feed = notifications(partner)
    assert [i["kind"] for i in feed["items"]] == ["address_suppressed"] and feed["unread"] == 1
    assert suppressions(partners.other) == []  # the partner the email was sent for, no other


def test_malformed_feedback_goes_to_its_dead_letter_queue_with_the_reason(
    deployment: Deployment, partner: str
) -> None:
    untagged = ses_event(FeedbackKind.BOUNCE, ANA, partner, "m-1", NOW, "fb-x")
    untagged["mail"]["tags"] = {}
    assert feedback("not json", json.dumps(untagged)) == {"batchItemFailures": []}
    letters = drain(deployment.refs["MailFeedbackDeadLetterQueue"])
    assert sorted(letter["_attributes"]["leaddesk-field"] for letter in letters) == [
        "body",
        "mail.tags.partner",
    ]
    assert all(letter["_attributes"]["leaddesk-reason"] for letter in letters)
    assert suppressions() == []


def test_declines_through_the_api_email_the_customer_except_for_spam_or_phishing(
    deployment: Deployment, partner: str
) -> None:
    victim = Customer(
        first_name="Win a prize at http://evil.example", email="victim@contoso.com", country="IT"
    )
    phishing = make_lead(created_at=NOW, customer=victim)
    genuine = make_lead(created_at=NOW + timedelta(seconds=1), country="IT")
    store(deployment.refs["LeadsTable"], phishing, genuine)
    for lead, reason in ((phishing, "abuse_spam_or_phishing"), (genuine, "requirement_not_met")):
        status, answer, _ = call_api(
            "POST",
            f"/leads/{lead.lead_id}/decline",
            "/leads/{lead_id}/decline",
            partner,
            body={"reason": reason},
            path_parameters={"lead_id": lead.lead_id},
        )
        assert status == 200, answer
    pump(deployment.refs["NotifyQueue"])
    [mail] = inbox()  # the genuine decline's, in Italian; the phishing lead's victim gets nothing
    assert mail.to == ["ada@contoso.com"] and "non è in grado" in mail.text
    assert lead_view(phishing.lead_id)[0]["emails"] == []
