"""The local stack's inbox: what LeadDesk sent through (moto's) SES, as people would read it.

moto keeps every message SES accepted in its SES backend, in the process that runs moto. The
local stack's moto server answers `GET /_local/ses/sent` from that backend (a WSGI layer in
front of moto: moto's own `/moto-api/data.json` serialises every service and fails once S3
holds multipart uploads); tests that run moto in-process read the backend directly.
"""

from __future__ import annotations

import email
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from email.message import Message
from email.policy import default
from email.utils import parsedate_to_datetime
from typing import Any

from leaddesk_local.provision import ACCOUNT_ID, REGION

INBOX_PATH = "/_local/ses/sent"


@dataclass(frozen=True)
class SentMail:
    to: list[str]
    subject: str
    text: str
    html: str | None
    time: str | None  # the message's Date header, ISO 8601
    sender: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    message_id: str | None = None  # SES's id of the message (what SendEmail answered)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SentMail:
        return cls(**data)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def _part(message: Message, subtype: str) -> str | None:
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}" and not part.is_multipart():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):  # as a reader sees it: lines end in \n, not SMTP's \r\n
                return payload.decode(part.get_content_charset() or "utf-8").replace("\r\n", "\n")
    return None


def from_raw(
    raw: str, destinations: Iterable[str], source: str | None, message_id: str | None = None
) -> SentMail:
    message = email.message_from_string(raw, policy=default)
    sent_at = message.get("Date")
    when = parsedate_to_datetime(str(sent_at)).isoformat() if sent_at else None
    headers = {str(name).lower(): str(value) for name, value in message.items()}
    return SentMail(
        to=sorted(dict.fromkeys(destinations)),
        subject=str(message.get("Subject", "")),
        text=_part(message, "plain") or "",
        html=_part(message, "html"),
        time=when,
        sender=source,
        headers=headers,
        message_id=message_id,
    )


def from_backend(messages: Iterable[Any]) -> list[SentMail]:
    """moto's sent messages (raw ones, and simple ones from SES's other send calls), oldest first."""
    found = []
    for message in messages:
        raw = getattr(message, "raw_data", None)
        if raw is not None:
            found.append(from_raw(raw, message.destinations, message.source, getattr(message, "id", None)))
            continue
        destinations = message.destinations
        to = (
            list(destinations.get("ToAddresses", []))
            if isinstance(destinations, dict)
            else list(destinations)
        )
        found.append(SentMail(to=to, subject=message.subject, text=message.body, html=None, time=None))
    return found


def in_process(account: str = ACCOUNT_ID, region: str = REGION) -> list[SentMail]:
    """What moto's SES in this process has sent (tests with `mock_aws`, and the moto server)."""
    from moto.ses.models import ses_backends

    return from_backend(list(ses_backends[account][region].sent_messages))


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class InboxEndpoint:
    """WSGI layer of the moto server: `GET /_local/ses/sent` answers the sent messages as JSON."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != INBOX_PATH or environ.get("REQUEST_METHOD") != "GET":
            return self._app(environ, start_response)
        body = json.dumps([mail.as_json() for mail in in_process()]).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def fetch(endpoint_url: str, timeout: float = 30) -> list[SentMail]:
    """The messages a running local stack's moto server has sent."""
    import urllib.request

    with urllib.request.urlopen(endpoint_url.rstrip("/") + INBOX_PATH, timeout=timeout) as response:
        return [SentMail.from_json(item) for item in json.loads(response.read())]
