"""The stage the reliability workloads run on: the template's resources in a moto server (its own
process), the real handlers invoked as Lambda would, and SQS event sources pumped to empty.

The suite plays AWS's side — Lambda polling the queues (`SqsEventSource.deliver`, the local
stack's own), the schedule firing the sweep, API Gateway invoking the API — with clients of its
own that no fault reaches. Faults reach only LeadDesk's clients (leaddesk.adapters.aws).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from leaddesk import composition
from leaddesk.adapters import aws
from leaddesk_local.lambda_events import LambdaContext, api_event, scheduled_event
from leaddesk_local.motoserver import MotoProcess
from leaddesk_local.process import free_port
from leaddesk_local.provision import Deployment, client, provision
from leaddesk_local.sqs_source import SqsEventSource
from leaddesk_local.stack import merged_environment
from leaddesk_local.template import Template
from tests.helpers.api import claims

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class Stage:
    deployment: Deployment
    endpoint_url: str
    capture_url: str  # every event on the bus with source `leaddesk`
    redeliveries: int = 0  # SQS messages received more than once (a record retried)
    handler_failures: int = 0  # invocations that raised (Lambda retries them)
    sources: list[SqsEventSource] = field(default_factory=list)
    bus_events: list[dict[str, Any]] = field(default_factory=list)  # everything captured so far

    def client(self, service: str) -> Any:
        return client(service, self.endpoint_url)

    def queue_url(self, output_or_logical_id: str) -> str:
        outputs, refs = self.deployment.outputs, self.deployment.refs
        return outputs.get(output_or_logical_id) or refs[output_or_logical_id]

    # --- Lambda's side --------------------------------------------------------------------
    def pump(self, max_rounds: int = 100_000) -> None:
        """Every SQS event source, until all their queues are empty (retries land in DLQs)."""
        sqs = self.client("sqs")
        for _ in range(max_rounds):
            delivered = 0
            for source in self.sources:
                messages = sqs.receive_message(
                    QueueUrl=source.queue_url,
                    MaxNumberOfMessages=source.batch_size,
                    WaitTimeSeconds=0,
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                ).get("Messages", [])
                self.redeliveries += sum(
                    1 for m in messages if int(m["Attributes"].get("ApproximateReceiveCount", "1")) > 1
                )
                if messages:
                    source.deliver(sqs, messages)
                delivered += len(messages)
            if not delivered and self._queues_empty(sqs):
                return
        raise AssertionError("the queues never emptied")

    def _queues_empty(self, sqs: Any) -> bool:
        for source in self.sources:
            attributes = sqs.get_queue_attributes(
                QueueUrl=source.queue_url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            if any(int(value) for value in attributes.values()):
                return False
        return True

    def invoke(self, handler: Handler, event: dict[str, Any], name: str, attempts: int = 8) -> Any:
        """An invocation retried while it raises, as Lambda retries a failed one (bounded)."""
        for attempt in range(attempts):
            try:
                return handler(event, LambdaContext(function_name=name))
            except Exception:
                self.handler_failures += 1
                if attempt + 1 == attempts:
                    raise
        return None

    def sweep(self, at: str) -> dict[str, Any]:
        """The sweep's schedule firing "at" a time, again while its report says more is due."""
        from lifecycle.sweep import handler

        total: dict[str, Any] = {"changed": 0, "failed": 0, "runs": 0, "events": {}}
        for _ in range(50):  # the schedule fires again while something was left for later
            report = self.invoke(handler, scheduled_event(at), "LifecycleSweepFunction")
            total["runs"] += 1
            total["changed"] += report["changed"]
            total["failed"] += report["failed"]
            for name, count in report["events"].items():
                total["events"][name] = total["events"].get(name, 0) + count
            if not report["more"]:
                self.pump()  # parked events go back on the bus
                return total
        raise AssertionError(f"the sweep at {at} never finished: {total}")

    def api(
        self,
        method: str,
        path: str,
        route: str,
        partner: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any, dict[str, str]]:
        """API Gateway invoking the API function; a client retries 5xx (bounded), like the web app."""
        from lifecycle.app import handler

        parameters = {"lead_id": path.split("/")[2]} if "{lead_id}" in route else None
        event = api_event(
            method=method,
            path=path,
            route_path=route,
            claims=claims(partner, "referrals_admin"),
            path_parameters=parameters,
            headers={"content-type": "application/json", **(headers or {})},
            body=json.dumps(body) if body is not None else None,
        )
        for _ in range(8):
            try:
                answer = handler(event, LambdaContext(function_name="LifecycleApiFunction"))
            except Exception:
                self.handler_failures += 1
                continue
            if answer["statusCode"] < 500:
                payload = json.loads(answer["body"]) if answer.get("body") else None
                return answer["statusCode"], payload, answer.get("headers") or {}
            self.handler_failures += 1
        raise AssertionError(f"{method} {path} kept failing")

    def captured(self) -> list[dict[str, Any]]:
        """Every `leaddesk` event the bus delivered so far (at least once each)."""
        from tests.helpers.bus import drain

        self.bus_events += drain(self.capture_url, self.endpoint_url)
        return self.bus_events


def _source(stage: Stage, function: str, handler: Handler, queue: str, batch: int) -> SqsEventSource:
    url = stage.queue_url(queue)
    arn = stage.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return SqsEventSource(
        function=function,
        invoke=lambda event: stage.invoke(handler, event, function, attempts=1),
        queue_url=url,
        queue_arn=arn["QueueArn"],
        batch_size=batch,
        reports_failures=True,
        endpoint_url=stage.endpoint_url,
        retry_delay=0,
        log=lambda _: None,
    )


@contextmanager
def moto_stage(template: Template, log_level: str = "WARNING") -> Iterator[Stage]:
    """A moto server with every resource of the template, the functions' environment set."""
    port = free_port()
    moto = MotoProcess("127.0.0.1", port)
    moto.start()
    endpoint = f"http://127.0.0.1:{port}"
    saved = dict(os.environ)
    try:
        deployment = provision(template, endpoint, stack_name=f"reliability{port}")
        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_REGION": "us-east-1",
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_READ_TIMEOUT": "60",
                "POWERTOOLS_METRICS_DISABLED": "true",
            }
            | merged_environment(template, deployment)
            | {"EMAIL_DELIVERABILITY": "off", "POWERTOOLS_LOG_LEVEL": log_level}
        )
        composition.reset()
        aws.reset_clients()
        from tests.helpers.bus import capture_bus_events_at

        stage = Stage(deployment, endpoint, capture_bus_events_at(deployment, endpoint))
        from ingest.app import handler as ingest
        from lifecycle.republish import handler as republish

        stage.sources = [
            _source(stage, "IngestFunction", ingest, "IngestQueue", 10),
            _source(stage, "EventRepublishFunction", republish, "PendingEventsQueue", 10),
        ]
        yield stage
    finally:
        composition.reset()
        aws.reset_clients()
        os.environ.clear()
        os.environ.update(saved)
        moto.stop()
