"""Shared fixtures: moto back ends built from template.yaml, a local stack, a flaky bus."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from leaddesk import composition
from leaddesk_local.process import StackDidNotStart, running_stack
from leaddesk_local.provision import Deployment, client, provision
from leaddesk_local.stack import merged_environment
from leaddesk_local.template import Template
from tests.helpers.stack import RunningStack

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")


@pytest.fixture(scope="session", autouse=True)
def _in_process_moto_answers_one_request_at_a_time() -> None:
    """DynamoDB and SQS are safe for concurrent callers; moto's in-process mock is not (its dicts
    change under a concurrent reader). Services that write concurrently (ingest writes a batch's
    leads at once) get the service's guarantee back by one lock around moto's request dispatch,
    as the local stack's moto server does with its readers-writer lock."""
    import threading

    from moto.core.botocore_stubber import BotocoreStubber

    dispatch = BotocoreStubber.__call__
    one_at_a_time = threading.RLock()

    def locked(self: BotocoreStubber, *args: Any, **kwargs: Any) -> Any:
        with one_at_a_time:
            return dispatch(self, *args, **kwargs)

    BotocoreStubber.__call__ = locked  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def template() -> Template:
    return Template.load()


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
        composition.reset()
        yield deployed
        composition.reset()


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
