"""The same event id delivered concurrently (threads, each with its own clients, against a moto
server on 127.0.0.1) makes exactly one lead and one lead.received."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from leaddesk.services.ingest import RecordFate
from leaddesk.services.records import QueuedRecord
from leaddesk_local.provision import Deployment, client
from leaddesk_local.template import Template
from tests.helpers.ingest import marketplace_lead
from tests.helpers.moto import atomic_moto_server
from tests.helpers.services import ingest_service

THREADS = 6


@pytest.fixture
def moto_server(template: Template) -> Iterator[tuple[str, Deployment]]:
    with atomic_moto_server(template, "conc") as deployment:
        assert deployment.endpoint_url is not None
        yield deployment.endpoint_url, deployment


def capture(endpoint: str, deployment: Deployment) -> str:
    sqs, events = client("sqs", endpoint), client("events", endpoint)
    url = sqs.create_queue(QueueName="capture")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus = deployment.outputs["EventBusName"]
    events.put_rule(Name="capture", EventBusName=bus, EventPattern=json.dumps({"source": ["leaddesk"]}))
    events.put_targets(Rule="capture", EventBusName=bus, Targets=[{"Id": "c", "Arn": arn}])
    return str(url)


def received(endpoint: str, url: str) -> list[dict[str, Any]]:
    sqs = client("sqs", endpoint)
    found: list[dict[str, Any]] = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def count_leads(endpoint: str, deployment: Deployment, partner: str) -> int:
    answer = client("dynamodb", endpoint).query(
        TableName=deployment.refs["LeadsTable"],
        KeyConditionExpression="PK = :pk AND begins_with(SK, :lead)",
        ExpressionAttributeValues={":pk": {"S": f"P#{partner}"}, ":lead": {"S": "L#"}},
        Select="COUNT",
    )
    return int(answer["Count"])


@pytest.mark.parametrize("rounds", [5])
def test_concurrent_deliveries_of_one_event_make_one_lead_and_one_event(
    moto_server: tuple[str, Deployment], rounds: int
) -> None:
    endpoint, deployment = moto_server
    captured = capture(endpoint, deployment)
    services = [ingest_service(deployment) for _ in range(THREADS)]
    for round_number in range(rounds):
        event_id = f"race-{round_number}"
        body = json.dumps(marketplace_lead(event_id, partner="p-race", email=f"r{round_number}@contoso.com"))
        start = threading.Barrier(THREADS)
        fates: list[RecordFate] = []

        def deliver(n: int, record: QueuedRecord, start: threading.Barrier, fates: list[RecordFate]) -> None:
            start.wait()
            result = services[n].ingest([record])[0]
            while result.fate is RecordFate.RETRY:  # SQS would redeliver: do it until final
                time.sleep(0.05)
                result = services[n].ingest([record])[0]
            fates.append(result.fate)

        # Each thread is a separate SQS message carrying the same producer event (PutEvents retried).
        threads = [
            threading.Thread(target=deliver, args=(n, QueuedRecord(f"{event_id}-m{n}", body), start, fates))
            for n in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(fates) == sorted([RecordFate.CREATED] + [RecordFate.DUPLICATE] * (THREADS - 1))
    assert count_leads(endpoint, deployment, "p-race") == rounds
    events = received(endpoint, captured)
    assert sorted(e["detail"]["event_id"] for e in events) == [f"race-{n}" for n in range(rounds)]
