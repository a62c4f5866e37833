"""Header values built from data stay the text they are: an RFC 2047 encoded-word in a lead's
company is never decoded into the header (where its CR/LF would add recipients), and no header
value carries a line break. Run on every supported Python: 3.11 and 3.12 decode an encoded-word
on assignment, 3.13 re-encodes the line break but would still show the attacker's text."""

from __future__ import annotations

import base64
import email
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import default

import pytest

from leaddesk.adapters.mailer import HeaderRefused, SendStatus, SesMailer, compose
from leaddesk.domain.emails import Email, EmailRenderer
from leaddesk.domain.notices import NoticeKind, Why, trace_headers
from leaddesk.domain.notify_settings import Language
from tests.helpers.leads import make_lead

RENDERER = EmailRenderer("https://leads.example.com/app", 14)
SENDER = "noreply@leaddesk.example"
TO = "ana@partner-contoso.com"
SENT_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
INJECTED = "Invoice\r\nBcc: victim@example.net\r\nReply-To: attacker@example.net\r\n\r\n<body>"
# The same text as the two encodings RFC 2047 allows, in either case of the charset and kind.
ENCODED_WORDS = [
    "=?utf-8?b?" + base64.b64encode(INJECTED.encode()).decode() + "?=",
    "=?UTF-8?Q?Invoice=0D=0ABcc:_victim@example.net=0D=0A=0D=0A<body>?=",
]


def parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def data_emails(company: str) -> dict[NoticeKind, Email]:
    """Every email whose subject carries data from a lead."""
    lead = make_lead(company=company, contact_requested=True)
    return {
        NoticeKind.NEW_LEAD: RENDERER.new_lead(lead, Language.ENGLISH),
        NoticeKind.EXPIRING_SOON: RENDERER.expiring_soon(
            [(lead, datetime(2026, 12, 5, tzinfo=UTC))], Language.ENGLISH
        ),
        NoticeKind.EXPIRED: RENDERER.expired(lead, Language.ENGLISH),
    }


@pytest.mark.parametrize("word", ENCODED_WORDS, ids=["base64", "quoted-printable"])
def test_an_encoded_word_in_a_company_stays_literal_text_in_the_subject(word: str) -> None:
    for kind, mail in data_emails(word).items():
        assert word in mail.subject, kind
        raw = compose(SENDER, TO, mail, SENT_AT, trace_headers(Why.REFERRAL_ADMIN.value, "p", "k", kind))
        head = raw.split(b"\r\n\r\n", 1)[0]
        names = [line.split(b":", 1)[0].lower() for line in head.split(b"\r\n") if line[:1] not in b" \t"]
        assert b"bcc" not in names and b"reply-to" not in names and b"cc" not in names, kind
        message = parsed(raw)
        assert message.get_all("To") == [TO] and message["Bcc"] is None and message["Reply-To"] is None
        assert str(message["Subject"]) == mail.subject, kind  # what a mail reader shows: the literal text
        assert "\r" not in str(message["Subject"]) and "\n" not in str(message["Subject"])
        body = message.get_body(("plain",))
        assert body is not None and word in body.get_content()  # the body shows the same literal text


def test_a_subject_without_encoded_words_is_sent_as_it_was() -> None:
    mail = data_emails("Zürich Ski & Co")[NoticeKind.NEW_LEAD]
    raw = compose(SENDER, TO, mail, SENT_AT, {})
    assert b"Subject: [Urgent] New lead: =?utf-8?" in raw  # the non-ASCII text encoded, as before
    assert str(parsed(raw)["Subject"]) == "[Urgent] New lead: Zürich Ski & Co"
    plain = compose(SENDER, TO, data_emails("Fourth Coffee")[NoticeKind.EXPIRED], SENT_AT, {})
    assert b"Subject: A lead you referred expired: Fourth Coffee\r\n" in plain


def test_the_digest_and_export_subjects_hold_no_data_to_decode() -> None:
    for mail in (
        RENDERER.digest(date(2026, 12, 1), [], 3, Language.ENGLISH),
        RENDERER.export_ready(ENCODED_WORDS[0], 1, Language.ENGLISH),
        RENDERER.export_failed(ENCODED_WORDS[0], ENCODED_WORDS[0], Language.ENGLISH),
    ):
        assert "=?" not in mail.subject
        assert parsed(compose(SENDER, TO, mail, SENT_AT, {}))["Bcc"] is None


@pytest.mark.parametrize("word", ENCODED_WORDS, ids=["base64", "quoted-printable"])
def test_a_trace_header_from_data_stays_literal_too(word: str) -> None:
    mail = data_emails("Contoso")[NoticeKind.NEW_LEAD]
    message = parsed(compose(SENDER, TO, mail, SENT_AT, {"X-LeadDesk-Partner": word, "X-LeadDesk-Key": "k"}))
    assert str(message["X-LeadDesk-Partner"]) == word and message["Bcc"] is None


@pytest.mark.parametrize(
    "headers",
    [
        {"X-LeadDesk-Key": "k\r\nBcc: victim@example.net"},
        {"X-LeadDesk-Key": "k\nBcc: victim@example.net"},
        {"X-LeadDesk-Partner": "p\rBcc: victim@example.net"},
    ],
)
def test_a_line_break_in_any_header_value_is_refused(headers: dict[str, str]) -> None:
    mail = data_emails("Contoso")[NoticeKind.NEW_LEAD]
    with pytest.raises(HeaderRefused) as refused:
        compose(SENDER, TO, mail, SENT_AT, headers)
    assert next(iter(headers)) in str(refused.value) and "victim" not in str(refused.value)


def test_a_line_break_in_the_subject_or_an_address_is_refused() -> None:
    mail = data_emails("Contoso")[NoticeKind.NEW_LEAD]
    with pytest.raises(HeaderRefused, match="Subject"):
        broken = Email(NoticeKind.NEW_LEAD, "Hi\r\nBcc: victim@example.net", "t", "h")
        compose(SENDER, TO, broken, SENT_AT, {})
    with pytest.raises(HeaderRefused, match="To"):
        compose(SENDER, f"{TO}\r\nBcc: victim@example.net", mail, SENT_AT, {})


def test_an_encoded_word_in_an_address_header_is_refused_not_decoded() -> None:
    mail = data_emails("Contoso")[NoticeKind.NEW_LEAD]
    with pytest.raises(HeaderRefused, match="To"):
        compose(SENDER, f"{ENCODED_WORDS[0]} <{TO}>", mail, SENT_AT, {})
    # A customer's address may be one (`=` and `?` are allowed in a local part, and email-validator
    # accepts it): refused as it is, never decoded into the header.
    with pytest.raises(HeaderRefused, match="To"):
        compose(SENDER, f"{ENCODED_WORDS[0]}@contoso.com", mail, SENT_AT, {})


def test_the_mailer_records_a_refused_header_as_rejected_without_calling_ses() -> None:
    class NoSes:
        def send_email(self, **_: object) -> dict[str, str]:
            raise AssertionError("SES must not be called")

    mailer = SesMailer(NoSes(), SENDER)  # type: ignore[arg-type]
    mail = data_emails("Contoso")[NoticeKind.NEW_LEAD]
    result = mailer.send(TO, mail, SENT_AT, {"X-LeadDesk-Key": "k\r\nBcc: victim@example.net"})
    assert result.status is SendStatus.REJECTED and result.reason and "X-LeadDesk-Key" in result.reason
    assert "victim" not in result.reason
