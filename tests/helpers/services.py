"""Services built by hand against a given moto back end (several independent instances, as
separate Lambda instances would be; the composition root builds one per process)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from leaddesk.adapters import aws
from leaddesk.adapters.bus import EventPublisher
from leaddesk.adapters.dead_letters import DeadLetterQueue
from leaddesk.adapters.dynamo.items import ItemPolicy
from leaddesk.adapters.metrics import OperatorMetrics
from leaddesk.adapters.pending_events import PendingEvents
from leaddesk.adapters.store import LeadStore
from leaddesk.domain.contact import ContactValidator
from leaddesk.domain.timed_rules import DEFAULT_EXPIRY_DAYS
from leaddesk.services.changes import ChangePublisher
from leaddesk.services.ingest import IngestService
from leaddesk.services.leads import LeadsService
from leaddesk.services.queue_consumer import QueueConsumer
from leaddesk.services.records import QueuedRecord
from leaddesk.services.sweep import SweepService
from leaddesk.triggers import SqsBatch
from leaddesk_local.provision import Deployment, client


def _now() -> datetime:
    return datetime.now(UTC)


def _client(service: str, deployment: Deployment) -> Any:
    """The handlers' own client for the in-process mock (so request counters see its calls), a
    fresh one for a moto server (one per service instance, as separate Lambda instances)."""
    if deployment.endpoint_url is None:
        return getattr(aws, service)()
    return client(service, deployment.endpoint_url)


def lead_store(deployment: Deployment) -> LeadStore:
    db = _client("dynamodb", deployment)
    return LeadStore(db, deployment.refs["LeadsTable"], ItemPolicy())


def publisher(deployment: Deployment, backoff: float = 0.05) -> EventPublisher:
    events = _client("events", deployment)
    return EventPublisher(events, deployment.outputs["EventBusName"], backoff=backoff)


def change_publisher(deployment: Deployment) -> ChangePublisher:
    pending = PendingEvents(_client("sqs", deployment), deployment.refs["PendingEventsQueue"])
    return ChangePublisher(publisher(deployment), pending, OperatorMetrics())


def leads_service(deployment: Deployment, clock: Callable[[], datetime] = _now) -> LeadsService:
    return LeadsService(lead_store(deployment), change_publisher(deployment), clock, DEFAULT_EXPIRY_DAYS)


def sweep_service(deployment: Deployment) -> SweepService:
    return SweepService(
        lead_store(deployment), change_publisher(deployment), OperatorMetrics(), DEFAULT_EXPIRY_DAYS
    )


def ingest_service(
    deployment: Deployment, clock: Callable[[], datetime] = _now, backoff: float = 0.05
) -> IngestService:
    return IngestService(
        store=lead_store(deployment),
        publisher=publisher(deployment, backoff),
        contact=ContactValidator(),
        clock=clock,
        metrics=OperatorMetrics(),
    )


def ingest_queue(deployment: Deployment) -> QueueConsumer:
    """The ingest queue's consumer, dead-lettering to the deployment's ingest dead-letter queue."""
    dead_letters = DeadLetterQueue(_client("sqs", deployment), deployment.outputs["IngestDeadLetterQueueUrl"])
    return QueueConsumer("inbound event", dead_letters, OperatorMetrics())


def sqs_batch(records: Sequence[QueuedRecord]) -> SqsBatch:
    """The SQS batch Lambda would deliver with these records."""
    messages = [{"messageId": record.message_id, "body": record.body} for record in records]
    return SqsBatch.model_validate({"Records": messages})
