"""Sending an email through SES v2 as a raw MIME message, throttling retried with backoff.

Raw rather than SES's simple content: one message carries the plain-text and HTML parts as
multipart/alternative, and the headers an urgent email needs (`X-Priority`, `Importance`) and
those the caller passes (the `X-LeadDesk-*` trace headers of mail to the partner's people; mail
to a customer has none). Each email has one recipient, in its `To` header. Sends go through the
SES configuration set (when configured) that publishes bounces and complaints, tagged so that
the feedback maps back to the partner.

Outcomes: `sent` (SES accepted it), `rejected` (SES refused it for good — a rejected address, an
unverified sender: recorded, never retried), `deferred` (SES was throttling after every try:
nothing was sent, so sending again later is safe). When SES does not answer at all, or answers
with a server error (5xx: it failed while handling the request), the email may or may not have
gone: `SendUncertain`, and the caller's record stays `sending`.

Header values are taken as the text they are (`LITERAL_HEADERS`): the `email` package decodes an
RFC 2047 encoded-word in a value it is given (3.11 and 3.12 put its CR/LF into the header, where
it adds recipients; 3.13 shows the decoded text), so a value holding one is sent encoded as a
whole and reads back as the literal `=?…?=` it was; a line break in any value is refused
(`HeaderRefused`, recorded as `rejected`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError, ConnectionError, ReadTimeoutError

from leaddesk.domain.emails import Email

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

THROTTLED = frozenset(
    {"TooManyRequestsException", "Throttling", "ThrottlingException", "LimitExceededException"}
)
# Refusals that another try cannot change.
REJECTED = frozenset(
    {
        "MessageRejected",
        "MailFromDomainNotVerifiedException",
        "AccountSuspendedException",
        "SendingPausedException",
        "BadRequestException",
        "InvalidParameterValue",
        "NotFoundException",
    }
)


# Headers holding addresses: an encoded-word there is refused rather than re-encoded.
ADDRESS_HEADERS = frozenset({"from", "to", "cc", "bcc", "reply-to", "sender"})


class HeaderRefused(ValueError):
    """A header value that cannot be sent as the text it is (names the header, not the value)."""


class EncodedText(str):
    """A header value sent encoded as a whole (RFC 2047): a reader's decoding gives back exactly
    this text. The `email` package writes a short ASCII value as it is, so its own encoded-words
    would be decoded by the reader; this folds itself instead (`EmailPolicy` asks a value with a
    `name` to)."""

    name: str

    def __new__(cls, name: str, text: str) -> EncodedText:
        value = super().__new__(cls, text)
        value.name = name
        return value

    def fold(self, *, policy: EmailPolicy) -> str:
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {encoded}{policy.linesep}"


class LiteralHeaderPolicy(EmailPolicy):
    """SMTP's policy, but a header value is never decoded and never holds a line break."""

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        text = str(value)
        if "\r" in text or "\n" in text or len(text.splitlines()) > 1:
            raise HeaderRefused(f"the {name} header's value holds a line break")
        if "=?" not in text:
            return super().header_store_parse(name, value)
        if name.lower() in ADDRESS_HEADERS:
            raise HeaderRefused(f"the {name} header's value holds an encoded-word")
        return name, EncodedText(name, text)


LITERAL_HEADERS = LiteralHeaderPolicy(linesep="\r\n")


class SendStatus(StrEnum):
    SENT = "sent"
    REJECTED = "rejected"
    DEFERRED = "deferred"


@dataclass(frozen=True)
class SendResult:
    status: SendStatus
    message_id: str | None = None
    reason: str | None = None
    attempts: int = 1


def compose(sender: str, to: str, email: Email, sent_at: datetime, headers: Mapping[str, str]) -> bytes:
    """The MIME message: plain text first, HTML as the preferred alternative. `HeaderRefused`
    when a header value cannot be sent as written."""
    message = EmailMessage(policy=LITERAL_HEADERS)
    message["From"] = f"LeadDesk <{sender}>"
    message["To"] = to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    if email.urgent:
        message["X-Priority"] = "1 (Highest)"
        message["Importance"] = "high"
        message["Priority"] = "urgent"
    for name, value in headers.items():
        message[name] = value
    message.set_content(email.text, subtype="plain", charset="utf-8")
    message.add_alternative(email.html, subtype="html", charset="utf-8")
    return message.as_bytes()


class SesMailer:
    def __init__(
        self,
        client: SESV2Client,
        sender: str,
        attempts: int = 5,
        backoff: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
        configuration_set: str = "",
    ) -> None:
        self._ses = client
        self._sender = sender
        self._configuration_set = configuration_set
        self._attempts = attempts
        self._backoff = backoff
        self._sleep = sleep

    @property
    def sender(self) -> str:
        return self._sender

    def send(
        self,
        to: str,
        email: Email,
        sent_at: datetime,
        headers: Mapping[str, str],
        tags: Mapping[str, str] | None = None,
    ) -> SendResult:
        try:
            raw = compose(self._sender, to, email, sent_at, headers)
        except HeaderRefused as refused:  # no retry can change it
            return SendResult(SendStatus.REJECTED, reason=str(refused), attempts=0)
        request: dict[str, Any] = {"FromEmailAddress": self._sender, "Content": {"Raw": {"Data": raw}}}
        if tags:
            request["EmailTags"] = [{"Name": name, "Value": value} for name, value in tags.items()]
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        for attempt in range(1, self._attempts + 1):
            try:
                answer = self._ses.send_email(**request)
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                message = error.response.get("Error", {}).get("Message", "")
                if code in THROTTLED:
                    if attempt < self._attempts:  # full jitter: concurrent senders spread out
                        self._sleep(random.uniform(0, self._backoff * 2 ** (attempt - 1)))
                        continue
                    return SendResult(SendStatus.DEFERRED, reason=f"{code}: {message}", attempts=attempt)
                if code in REJECTED:
                    return SendResult(SendStatus.REJECTED, reason=f"{code}: {message}", attempts=attempt)
                if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
                    # SES failed while handling it, perhaps after accepting the email: only
                    # throttling is known to have sent nothing, so this is never sent again.
                    raise SendUncertain(f"{code}: {message}") from error
                raise
            except (ConnectionError, ReadTimeoutError) as error:
                # No answer: SES may or may not have accepted it. The caller's record stays
                # `sending`, and the lease rule (never twice) decides on redelivery.
                raise SendUncertain(str(error)) from error
            return SendResult(SendStatus.SENT, message_id=answer.get("MessageId"), attempts=attempt)
        raise AssertionError("unreachable")  # pragma: no cover


class SendUncertain(Exception):
    """SES did not answer: the email may or may not have been accepted."""
