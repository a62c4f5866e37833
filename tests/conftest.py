"""Shared fixtures: moto back ends built from template.yaml, API events, a local stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from moto import mock_aws

from leaddesk_local.process import StackDidNotStart, StackProcess, free_port, running_stack
from leaddesk_local.provision import Deployment, client, provision
from leaddesk_local.stack import api_event, merged_environment
from leaddesk_local.template import Template
from leaddesk_local.tokens import as_authorizer_claims

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def template() -> Template:
    return Template.load()


def reset_process_caches() -> None:
    """Handlers build clients and settings once per process, as on Lambda; tests start afresh."""
    import ingest.app
    import lifecycle.app
    import lifecycle.republish
    import lifecycle.sweep
    from leaddesk.adapters import aws
    from leaddesk.config import settings

    aws.reset_clients()
    settings.cache_clear()
    ingest.app.service.cache_clear()
    lifecycle.app.store.cache_clear()
    lifecycle.app.service.cache_clear()
    lifecycle.sweep.service.cache_clear()
    lifecycle.republish.publisher.cache_clear()


@pytest.fixture
def deployment(template: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    """Every resource of template.yaml in moto's in-process mock, and the functions' environment set."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        deployed = provision(template, None)
        for name, value in merged_environment(template, deployed).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("EMAIL_DELIVERABILITY", "off")
        reset_process_caches()
        yield deployed
        reset_process_caches()


def claims(partner: str = "p-contoso", *roles: str) -> dict[str, str]:
    return as_authorizer_claims(
        {
            "sub": f"user-{partner}",
            "custom:partner_id": partner,
            "cognito:groups": list(roles or ["referrals_admin"]),
        }
    )


def call_api(
    method: str,
    path: str,
    route_path: str,
    partner: str | None = "p-contoso",
    roles: tuple[str, ...] = ("referrals_admin",),
    query: dict[str, list[str]] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
) -> tuple[int, Any, dict[str, str]]:
    """Invoke the API function with the event API Gateway would send; (status, json, headers)."""
    from leaddesk_local.stack import LambdaContext
    from lifecycle.app import handler

    event = api_event(
        method=method,
        path=path,
        route_path=route_path,
        claims=claims(partner, *roles) if partner else None,
        path_parameters=path_parameters,
        query=query,
        headers={"content-type": "application/json", **(headers or {})},
        body=json.dumps(body) if body is not None else None,
    )
    context: Any = LambdaContext(function_name="LifecycleApiFunction")
    answer = handler(event, context)
    payload = json.loads(answer["body"]) if answer.get("body") else None
    return answer["statusCode"], payload, answer.get("headers") or {}


def envelope(detail_type: str, detail: dict[str, Any], source: str = "test.producer") -> dict[str, Any]:
    return {
        "version": "0",
        "id": f"env-{detail.get('event_id', 'x')}",
        "detail-type": detail_type,
        "source": source,
        "account": "123456789012",
        "time": "2026-11-23T10:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }


@contextmanager
def atomic_moto_server(template: Template, stack_name: str) -> Iterator[Deployment]:
    """A moto server on 127.0.0.1 (true concurrency: one client per thread, as separate Lambda
    instances) holding the template's resources. It is the local stack's `AtomicMotoServer`:
    moto alone does not apply conditional writes and transactions atomically under concurrent
    requests — DynamoDB does — so races under test are LeadDesk's own."""
    from leaddesk_local.motoserver import AtomicMotoServer

    port = free_port()
    server = AtomicMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield provision(template, f"http://127.0.0.1:{port}", stack_name=f"{stack_name}{port}")
    finally:
        server.stop()


class RunningStack(StackProcess):
    def client(self, service: str) -> Any:
        return client(service, self.endpoint_url)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "leaddesk_local.cli", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "LEADDESK_LOCAL_STATE": str(self.state_path)},
            check=False,
        )


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """`leaddesk up` as a newcomer runs it, on free ports, once per test session (per worker).
    Its schedules fire every second of wall time; failed messages come back after a second."""
    try:
        with running_stack(
            tmp_path_factory.mktemp("stack"),
            "--retry-delay",
            "1",
            environment={"LEADDESK_SCHEDULE_INTERVAL": "1"},
        ) as stack:
            yield RunningStack(**vars(stack))
    except StackDidNotStart as error:
        pytest.fail(str(error))


def capture_bus_events(deployment: Deployment, pattern: dict[str, Any] | None = None) -> str:
    """A queue subscribed to the LeadDesk bus (by default to every `leaddesk` event); its URL."""
    sqs, events = client("sqs", None), client("events", None)
    url = sqs.create_queue(QueueName=f"capture-{time.monotonic_ns()}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus = deployment.outputs["EventBusName"]
    name = f"capture-{time.monotonic_ns()}"
    events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(pattern or {"source": ["leaddesk"]}))
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "capture", "Arn": arn}])
    return str(url)


def drain(queue_url: str, endpoint_url: str | None = None) -> list[dict[str, Any]]:
    """Every message now in a queue, removing them: JSON bodies parsed (others under `_raw`),
    message attributes under `_attributes`."""
    sqs = client("sqs", endpoint_url)
    found: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0
        ).get("Messages", [])
        if not messages:
            return found
        for message in messages:
            try:
                body = json.loads(message["Body"])
            except ValueError:
                body = None
            if not isinstance(body, dict):
                body = {"_raw": message["Body"]}
            body["_attributes"] = {
                k: v.get("StringValue") for k, v in message.get("MessageAttributes", {}).items()
            }
            found.append(body)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def flaky_put_events(deployment: Deployment) -> Iterator[set[str]]:
    """PutEvents fails the entries whose detail names an event id in the set (ErrorCode
    InternalFailure, FailedEntryCount > 0) and really sends the others. Lead events carry the
    lead's producer event id, so one id makes every event of that lead fail."""
    from botocore.awsrequest import AWSResponse

    from leaddesk.adapters import aws

    failing: set[str] = set()
    honest = client("events", None)

    def partial(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if not failing:
            return None
        entries = json.loads(params["body"])["Entries"]  # the serialised request
        bad = [json.loads(e["Detail"]).get("event_id") in failing for e in entries]
        good = [e for e, is_bad in zip(entries, bad, strict=True) if not is_bad]
        sent = iter(honest.put_events(Entries=good)["Entries"] if good else [])
        answer = [
            {"ErrorCode": "InternalFailure", "ErrorMessage": "injected"} if is_bad else next(sent)
            for is_bad in bad
        ]
        return AWSResponse("https://events.us-east-1.amazonaws.com/", 200, {}, None), {
            "FailedEntryCount": sum(bad),
            "Entries": answer,
        }

    events = aws.events()
    events.meta.events.register_first("before-call.events.PutEvents", partial)
    yield failing
    events.meta.events.unregister("before-call.events.PutEvents", partial)
