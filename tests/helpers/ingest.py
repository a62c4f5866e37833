"""Driving the ingest function: SQS batches of inbound events, and what it stored."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from leaddesk.adapters.dynamo.items import item_to_lead
from leaddesk_local.lambda_events import LambdaContext
from leaddesk_local.provision import client
from tests.helpers.bus import envelope
from tests.helpers.tenants import or_current


def sqs_event(*bodies: Any, message_ids: list[str] | None = None) -> dict[str, Any]:
    ids = message_ids or [str(uuid.uuid4()) for _ in bodies]
    return {
        "Records": [
            {
                "messageId": message_id,
                "receiptHandle": f"rh-{message_id}",
                "body": body if isinstance(body, str) else json.dumps(body),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:ingest",
                "awsRegion": "us-east-1",
            }
            for message_id, body in zip(ids, bodies, strict=True)
        ]
    }


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    from ingest.app import handler

    answer: dict[str, Any] = handler(event, LambdaContext(function_name="IngestFunction"))
    return answer


def marketplace_lead(
    event_id: str, partner: str | None = None, email: str = "ada@contoso.com"
) -> dict[str, Any]:
    """A marketplace offer lead's event, of the test's own partner unless told."""
    return envelope(
        "Marketplace Lead",
        {
            "partner_id": or_current(partner),
            "event_id": event_id,
            "UserDetails": {"FirstName": "Ada", "Email": email, "Company": "Contoso", "Country": "US"},
            "LeadSource": "AppSource-PLT | contoso.crm",
            "ActionCode": "PLT",
        },
    )


def leads_of(partner: str) -> list[dict[str, Any]]:
    """The stored documents of a partner's leads (the store's own view, internals included)."""
    items = client("dynamodb", None).query(
        TableName=os.environ["TABLE_NAME"],
        KeyConditionExpression="PK = :pk AND begins_with(SK, :lead)",
        ExpressionAttributeValues={":pk": {"S": f"P#{partner}"}, ":lead": {"S": "L#"}},
    )["Items"]
    return [item_to_lead(item).model_dump(mode="json") for item in items]
