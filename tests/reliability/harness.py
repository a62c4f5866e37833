"""The stage the reliability workloads run on: the template's resources in a moto server (its own
process), the real handlers invoked as Lambda would, and SQS event sources pumped to empty.

The suite plays AWS's side — Lambda polling the queues (`SqsEventSource.deliver`, the local
stack's own: ingest, republishing, the notifier, the export worker, with the template's batch
sizes), the schedules firing the sweep and the digest, API Gateway invoking the APIs — with
clients of its own that no fault reaches. Faults reach only LeadDesk's clients
(leaddesk.adapters.aws).

Time: the services' clock (`leaddesk.adapters.clock.utc_now`) is the stage's. It runs with the
wall clock, and skips ahead where AWS would make LeadDesk wait: a record handed back to its
queue comes back after the queue's visibility timeout, a failed scheduled run is retried by
Lambda after one and then two minutes, the digest's schedule fires again the next day. That is
what the notifier's send lease is measured against (a `sending` record older than the lease was
interrupted), so the suite sees redeliveries at the times SQS would make them.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from leaddesk import composition
from leaddesk.adapters import aws, clock
from leaddesk_local.lambda_events import LambdaContext, api_event, scheduled_event
from leaddesk_local.motoserver import MotoProcess
from leaddesk_local.process import free_port
from leaddesk_local.provision import Deployment, client, provision
from leaddesk_local.sqs_source import SqsEventSource
from leaddesk_local.stack import merged_environment
from leaddesk_local.template import Template
from leaddesk_local.tokens import as_authorizer_claims

Handler = Callable[[dict[str, Any], Any], Any]
# Lambda retries a failed asynchronous invocation (a schedule's) after 1 minute, then 2 minutes.
ASYNC_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=2))


@dataclass
class Source:
    """An SQS event source, and what the stage needs to know of its queue."""

    events: SqsEventSource
    visibility: timedelta  # how long a record handed back stays away
    handed_back: int = 0  # records handed back by the last delivery


@dataclass
class Stage:
    deployment: Deployment
    endpoint_url: str
    capture_url: str  # every event on the bus with source `leaddesk`
    redeliveries: int = 0  # SQS messages received more than once (a record retried)
    handler_failures: int = 0  # invocations that raised (Lambda retries them)
    sources: list[Source] = field(default_factory=list)
    bus_events: list[dict[str, Any]] = field(default_factory=list)  # everything captured so far
    skipped: timedelta = timedelta()  # how far the stage's clock is ahead of the wall clock
    scheduled_failures: int = 0  # scheduled runs that failed after Lambda's retries

    def now(self) -> datetime:
        """The services' clock."""
        return datetime.now(UTC) + self.skipped

    def wait(self, span: timedelta) -> None:
        """Time passes (the suite does not sleep it)."""
        self.skipped += span

    def wait_until(self, moment: datetime) -> None:
        self.skipped += max(timedelta(), moment - self.now())

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
            away = timedelta()
            for source in self.sources:
                messages = sqs.receive_message(
                    QueueUrl=source.events.queue_url,
                    MaxNumberOfMessages=source.events.batch_size,
                    WaitTimeSeconds=0,
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                ).get("Messages", [])
                self.redeliveries += sum(
                    1 for m in messages if int(m["Attributes"].get("ApproximateReceiveCount", "1")) > 1
                )
                if messages:
                    source.handed_back = 0
                    source.events.deliver(sqs, messages)
                    if source.handed_back:
                        away = max(away, source.visibility)
                delivered += len(messages)
            self.wait(away)  # what was handed back is visible again once its visibility timeout passed
            if not delivered and self._queues_empty(sqs):
                return
        raise AssertionError("the queues never emptied")

    def _queues_empty(self, sqs: Any) -> bool:
        for source in self.sources:
            attributes = sqs.get_queue_attributes(
                QueueUrl=source.events.queue_url,
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

    def scheduled(self, handler: Handler, at: datetime, name: str) -> Any:
        """A schedule firing "at" a time, invoked asynchronously: Lambda retries a failed run twice
        (after 1, then 2 minutes), then sends the event to the function's failure destination
        (None is returned; the next scheduled run catches up)."""
        event = scheduled_event(at.strftime("%Y-%m-%dT%H:%M:%SZ"))
        for delay in (*ASYNC_RETRY_DELAYS, None):
            try:
                return handler(event, LambdaContext(function_name=name))
            except Exception:
                self.handler_failures += 1
                if delay is not None:
                    self.wait(delay)
        self.scheduled_failures += 1
        return None

    def sweep(self, at: str) -> dict[str, Any]:
        """The sweep's schedule firing "at" a time, again while its report says more is due."""
        from sweep.app import handler

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
        query: dict[str, list[str]] | None = None,
        role: str = "referrals_admin",
        email: str | None = None,
        function: str = "leads_api.app",
    ) -> tuple[int, Any, dict[str, str]]:
        """API Gateway invoking an API function (by default the leads API) for a caller of the
        partner; a client retries 5xx (bounded), like the web app."""
        handler = importlib.import_module(function).handler
        names = re.findall(r"{(\w+)}", route)
        values = [
            part for part, pattern in zip(path.split("/"), route.split("/"), strict=True) if "{" in pattern
        ]
        caller = {
            "sub": f"user-{partner}",
            "custom:partner_id": partner,
            "cognito:groups": [role],
            "email": email,
        }
        event = api_event(
            method=method,
            path=path,
            route_path=route,
            claims=as_authorizer_claims(caller),
            path_parameters=dict(zip(names, values, strict=True)) or None,
            query=query,
            headers={"content-type": "application/json", **(headers or {})},
            body=json.dumps(body) if body is not None else None,
        )
        for _ in range(8):
            try:
                answer = handler(event, LambdaContext(function_name=function))
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


def _source(stage: Stage, function: str, handler: Handler, queue: str, batch: int) -> Source:
    url = stage.queue_url(queue)
    attributes = stage.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["QueueArn", "VisibilityTimeout"]
    )["Attributes"]
    source: Source

    def invoke(event: dict[str, Any]) -> Any:
        try:
            answer = stage.invoke(handler, event, function, attempts=1)
        except Exception:
            source.handed_back = len(event["Records"])
            raise
        source.handed_back = len((answer or {}).get("batchItemFailures", []))
        return answer

    source = Source(
        SqsEventSource(
            function=function,
            invoke=invoke,
            queue_url=url,
            queue_arn=attributes["QueueArn"],
            batch_size=batch,
            reports_failures=True,
            endpoint_url=stage.endpoint_url,
            retry_delay=0,  # visible again at once; the stage's clock skips the visibility timeout
            log=lambda _: None,
        ),
        timedelta(seconds=int(attributes["VisibilityTimeout"])),
    )
    return source


@contextmanager
def moto_stage(template: Template, log_level: str = "WARNING") -> Iterator[Stage]:
    """A moto server with every resource of the template, the functions' environment set."""
    port = free_port()
    wall_clock = clock.utc_now
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
        clock.utc_now = stage.now  # the composition root hands it to every service it builds
        from export_worker.app import handler as export_worker
        from ingest.app import handler as ingest
        from mail_feedback.app import handler as mail_feedback
        from notifier.app import handler as notifier
        from republish.app import handler as republish
        from webhook_delivery.app import handler as webhook_delivery
        from webhook_dispatch.app import handler as webhook_dispatch

        stage.sources = [  # the template's batch sizes
            _source(stage, "IngestFunction", ingest, "IngestQueue", 10),
            _source(stage, "EventRepublishFunction", republish, "PendingEventsQueue", 10),
            _source(stage, "NotifyFunction", notifier, "NotifyQueue", 10),
            _source(stage, "ExportWorkerFunction", export_worker, "ExportQueue", 1),
            _source(stage, "MailFeedbackFunction", mail_feedback, "MailFeedbackQueue", 10),
            _source(stage, "WebhookDispatchFunction", webhook_dispatch, "WebhookEventsQueue", 10),
            _source(stage, "WebhookDeliveryFunction", webhook_delivery, "WebhookAttemptQueue", 1),
        ]
        yield stage
    finally:
        clock.utc_now = wall_clock
        composition.reset()
        aws.reset_clients()
        os.environ.clear()
        os.environ.update(saved)
        moto.stop()
