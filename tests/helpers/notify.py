"""Driving the notifier: its events, its SQS batches, its API, and the inbox moto's SES keeps."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from leaddesk.adapters.dynamo.items import ItemPolicy
from leaddesk.domain.contract import EVENT_MODELS, SOURCE, ExportCompleted, LeadChanged
from leaddesk.domain.events import lead_fields
from leaddesk.domain.lifecycle import EVENT_TYPES
from leaddesk.domain.models import Lead, LeadStatus
from leaddesk_local.inbox import SentMail, in_process
from leaddesk_local.lambda_events import LambdaContext, api_event
from tests.helpers.api import claims
from tests.helpers.bus import envelope
from tests.helpers.ingest import sqs_event
from tests.helpers.leads import put_leads


def lead_envelope(detail_type: str, lead: Lead, **extra: Any) -> dict[str, Any]:
    """The event LeadDesk publishes about a lead (its contract model), as the notify queue
    receives it; a change event says a user made it from `received` unless `extra` says otherwise."""
    model = EVENT_MODELS[detail_type]
    if issubclass(model, LeadChanged):
        action = next(action for action, event in EVENT_TYPES.items() if event == detail_type)
        extra = {"action": action, "actor": "user-1", "from_status": LeadStatus.RECEIVED, **extra}
    detail = model(**lead_fields(lead), **extra).model_dump(mode="json")
    return envelope(detail_type, detail, source=SOURCE)


def export_envelope(detail_type: str, partner: str, export_id: str, **detail: Any) -> dict[str, Any]:
    """An export's event (its contract model) as the notify queue receives it."""
    body = {"partner_id": partner, "export_id": export_id, "requested_by": "user-1", **detail}
    if detail_type == ExportCompleted.detail_type:
        body.setdefault("row_count", 0)
    model = EVENT_MODELS[detail_type]
    return envelope(detail_type, model.model_validate(body).model_dump(mode="json"), source=SOURCE)


def notify(*bodies: Any, message_ids: list[str] | None = None) -> dict[str, Any]:
    """Invoke NotifyFunction with an SQS batch of these bodies; its answer (batch item failures)."""
    from notifier.app import handler

    answer: dict[str, Any] = handler(
        sqs_event(*bodies, message_ids=message_ids), LambdaContext(function_name="NotifyFunction")
    )
    return answer


def store(table: str, *leads: Lead) -> None:
    put_leads(leads, table, policy=ItemPolicy())


def inbox(to: str | None = None) -> list[SentMail]:
    """What moto's SES (in this process) has sent, optionally to one address."""
    mails = in_process()
    return [m for m in mails if to is None or to.lower() in (a.lower() for a in m.to)]


def digest(at: str) -> dict[str, Any]:
    from digest.app import handler
    from leaddesk_local.lambda_events import scheduled_event

    answer: dict[str, Any] = handler(scheduled_event(at), LambdaContext(function_name="NotifyDigestFunction"))
    return answer


def call_notify_api(
    method: str,
    path: str,
    route_path: str,
    partner: str | None = None,
    roles: tuple[str, ...] = ("referrals_admin",),
    body: Any = None,
    query: dict[str, list[str]] | None = None,
    path_parameters: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """Invoke NotificationsApiFunction as API Gateway would; (status, json)."""
    from notifications_api.app import handler

    event = api_event(
        method=method,
        path=path,
        route_path=route_path,
        claims=claims(partner, *roles),
        path_parameters=path_parameters,
        query=query,
        headers={"content-type": "application/json"},
        body=json.dumps(body) if body is not None else None,
    )
    answer = handler(event, LambdaContext(function_name="NotificationsApiFunction"))
    return answer["statusCode"], json.loads(answer["body"]) if answer.get("body") else None


def put_settings(partner: str | None = None, **settings: Any) -> dict[str, Any]:
    status, body = call_notify_api(
        "PUT", "/settings", "/settings", partner, ("profile_admin",), body=settings
    )
    assert status == 200, body
    saved: dict[str, Any] = body
    return saved


def notifications(partner: str | None = None, **query: str) -> dict[str, Any]:
    """The action center's page as a viewer of `partner` sees it (`GET /notifications` with these
    query parameters, e.g. `state="open"`, `limit="100"`)."""
    status, page = call_notify_api(
        "GET",
        "/notifications",
        "/notifications",
        partner,
        ("viewer",),
        query={name: [value] for name, value in query.items()} or None,
    )
    assert status == 200, page
    found: dict[str, Any] = page
    return found


def message_id() -> str:
    return str(uuid.uuid4())


@contextmanager
def ses_refusing(refusals: dict[str, str]) -> Iterator[list[str]]:
    """SES refuses every send to these addresses with the given error code (a rejected address,
    throttling...); other sends really go to moto. Yields the addresses tried, in order."""
    import base64
    import email as mime

    from botocore.awsrequest import AWSResponse

    from leaddesk.adapters import aws

    tried: list[str] = []

    def refuse(params: dict[str, Any], **_: Any) -> Any:  # a response tuple short-circuits the call
        raw = base64.b64decode(json.loads(params["body"])["Content"]["Raw"]["Data"])
        to = str(mime.message_from_bytes(raw)["To"])
        tried.append(to)
        code = refusals.get(to)
        if code is None:
            return None
        status = 429 if code == "TooManyRequestsException" else 400
        response = AWSResponse("https://email.us-east-1.amazonaws.com/", status, {}, None)  # type: ignore[arg-type]
        return response, {"Error": {"Code": code, "Message": f"injected {code}"}}

    ses = aws.sesv2()
    ses.meta.events.register_first("before-call.sesv2.SendEmail", refuse)
    try:
        yield tried
    finally:
        ses.meta.events.unregister("before-call.sesv2.SendEmail", refuse)


def pump(notify_queue_url: str) -> int:
    """Deliver what the bus routed to the notify queue to NotifyFunction, in batches of ten, until
    the queue is empty; the number of messages delivered."""
    from tests.helpers.bus import drain, sent_body

    delivered = 0
    while messages := drain(notify_queue_url):
        bodies = [sent_body(m) for m in messages]
        for start in range(0, len(bodies), 10):
            assert notify(*bodies[start : start + 10]) == {"batchItemFailures": []}
        delivered += len(bodies)
    return delivered


@contextmanager
def dynamodb_failing(
    operation: str, times: int = 1, db: Any = None, touching: str = ""
) -> Iterator[list[str]]:
    """DynamoDB throttles the next `times` calls of `operation` whose request names `touching`,
    past the SDK's retries, on `db` (the handlers' client unless given). Yields the failed calls'
    operation names."""
    from botocore.awsrequest import AWSResponse

    from leaddesk.adapters import aws

    failed: list[str] = []

    def throttle(params: dict[str, Any], model: Any, **_: Any) -> Any:
        if len(failed) >= times or touching not in str(params.get("body", "")):
            return None
        failed.append(model.name)
        code = "ProvisionedThroughputExceededException"
        response = AWSResponse("https://dynamodb.us-east-1.amazonaws.com/", 400, {}, None)  # type: ignore[arg-type]
        return response, {"Error": {"Code": code, "Message": f"injected {code}"}}

    client = db if db is not None else aws.dynamodb()
    client.meta.events.register_first(f"before-call.dynamodb.{operation}", throttle)
    try:
        yield failed
    finally:
        client.meta.events.unregister(f"before-call.dynamodb.{operation}", throttle)


def suppression_read_failing(db: Any = None, times: int = 1) -> AbstractContextManager[list[str]]:
    """The next `times` BatchGetItem calls that read suppressions (`SUP#` keys) throttled."""
    return dynamodb_failing("BatchGetItem", times, db, touching="SUP#")
