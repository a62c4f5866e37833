"""How often botocore sends a request: SES's client once (a resent email could arrive twice),
the others with botocore's standard retries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from leaddesk.adapters import aws
from leaddesk.adapters.mailer import SendUncertain, SesMailer
from leaddesk.domain.emails import Email
from leaddesk.domain.notices import NoticeKind


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """LeadDesk's clients, each request answered 503 before it leaves the process; the
    operations sent, in order."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("botocore.retries.standard.ExponentialBackoff.delay_amount", lambda *_: 0)
    aws.reset_clients()
    sent: list[str] = []

    def unavailable(request: Any, event_name: str, **_: Any) -> AWSResponse:
        sent.append(event_name.rsplit(".", 1)[-1])
        body = json.dumps({"__type": "ServiceUnavailable", "message": "try later"}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-ErrorType": "ServiceUnavailable"}
        return AWSResponse(request.url, 503, headers, _Body(body))  # type: ignore[arg-type]

    for client in (aws.sesv2(), aws.dynamodb()):
        client.meta.events.register_first("before-send", unavailable)
    yield sent
    aws.reset_clients()


def test_an_email_is_handed_to_ses_once_whatever_ses_answers(clients: list[str]) -> None:
    """botocore's `max_attempts` counts retries: SES's client made two attempts, and a 5xx or a
    timeout after SES had accepted the email sent it again (found by the fault-injection suite)."""
    email = Email(NoticeKind.NEW_LEAD, "New lead", "text", "<p>html</p>")
    with pytest.raises(SendUncertain):  # SES failed while handling it: perhaps after accepting it
        SesMailer(aws.sesv2(), "leads@partner-contoso.com").send(
            "ana@partner-contoso.com", email, datetime.now(UTC), {}
        )
    assert clients == ["SendEmail"]


def test_other_services_keep_botocores_retries(clients: list[str]) -> None:
    with pytest.raises(ClientError):
        aws.dynamodb().get_item(TableName="t", Key={"PK": {"S": "p"}, "SK": {"S": "s"}})
    assert clients == ["GetItem"] * 4
