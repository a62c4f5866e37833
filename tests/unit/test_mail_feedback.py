"""SES feedback as the feedback handler reads it: hard bounces and complaints suppress an address
for the partner the email was tagged with; everything else suppresses nothing or is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from leaddesk.domain.feedback import (
    FeedbackKind,
    FeedbackRejected,
    parse_feedback,
    partner_of_tags,
    send_tags,
    ses_event,
)

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def bounce(**changes: object) -> dict[str, object]:
    event = ses_event(FeedbackKind.BOUNCE, "Ana@Contoso.com", "p-contoso", "m-1", AT, "f-1")
    for path, value in changes.items():
        *parents, last = path.split("__")
        node: dict[str, object] = event
        for parent in parents:
            node = node[parent]  # type: ignore[assignment]
        node[last] = value
    return event


@pytest.mark.parametrize("partner", ["p-contoso", "partner_1", "p.contoso", "pärtner/ü", "x" * 200])
def test_the_partner_tag_maps_back_to_the_partner(partner: str) -> None:
    tags = send_tags(partner)
    assert all(len(v) <= 256 and v.replace("_", "").replace("-", "").isalnum() for v in tags.values())
    assert partner_of_tags({name: [value] for name, value in tags.items()}) == partner


def test_a_hard_bounce_suppresses_the_address_for_the_tagged_partner() -> None:
    feedback = parse_feedback(json.dumps(bounce()))
    [suppression] = feedback.suppressions()
    assert feedback.partner_id == "p-contoso"
    assert (suppression.address, suppression.kind, suppression.at) == (
        "ana@contoso.com",
        FeedbackKind.BOUNCE,
        AT,
    )
    assert suppression.detail == "Permanent / General" and suppression.feedback_id == "f-1"


def test_a_complaint_suppresses_and_an_sns_envelope_is_unwrapped() -> None:
    event = ses_event(FeedbackKind.COMPLAINT, "Ben <ben@contoso.com>", "p-contoso", "m-2", AT, "f-2")
    envelope = {"Type": "Notification", "MessageId": "sns-1", "Message": json.dumps(event)}
    [suppression] = parse_feedback(json.dumps(envelope)).suppressions()
    assert (suppression.address, suppression.kind) == ("ben@contoso.com", FeedbackKind.COMPLAINT)


@pytest.mark.parametrize("bounce_type", ["Transient", "Undetermined"])
def test_a_soft_bounce_suppresses_nothing(bounce_type: str) -> None:
    assert parse_feedback(json.dumps(bounce(bounce__bounceType=bounce_type))).suppressions() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json", "body"),
        ("[1, 2]", "body"),
        (json.dumps(bounce(eventType="Delivery")), "eventType"),
        (json.dumps(bounce(mail__tags={})), "mail.tags.partner"),
        (json.dumps(bounce(bounce__bouncedRecipients=[])), "bounce.bouncedRecipients"),
        (
            json.dumps(bounce(bounce__bouncedRecipients=[{"emailAddress": "nobody"}])),
            "bounce.bouncedRecipients",
        ),
        (json.dumps(bounce(bounce=None)), "bounce"),
        (json.dumps({"eventType": "Bounce"}), "mail"),
    ],
    ids=[
        "not-json",
        "not-object",
        "delivery",
        "untagged",
        "no-recipient",
        "not-an-address",
        "no-detail",
        "no-mail",
    ],
)
def test_malformed_feedback_is_refused_naming_the_field(body: str, field: str) -> None:
    with pytest.raises(FeedbackRejected) as refused:
        parse_feedback(body)
    assert refused.value.field == field and refused.value.reason
