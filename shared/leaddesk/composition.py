"""The composition root: the one place that builds each function's services from its settings.

Each builder runs once per process (Lambda reuses the process across invocations) and imports
only what its function needs, so the API never pays for the ingest's contact-validation
libraries at cold start. Handlers call these; nothing else constructs a service.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leaddesk.adapters.dead_letters import DeadLetterQueue
    from leaddesk.adapters.store import LeadStore
    from leaddesk.config import LifecycleSettings
    from leaddesk.services.changes import ChangePublisher
    from leaddesk.services.exports import ExportsService, ExportWorker
    from leaddesk.services.ingest import IngestService
    from leaddesk.services.leads import LeadsService
    from leaddesk.services.republish import RepublishService
    from leaddesk.services.sweep import SweepService


@cache
def ingest_service() -> IngestService:
    from leaddesk.adapters import aws
    from leaddesk.adapters.bus import EventPublisher
    from leaddesk.adapters.clock import utc_now
    from leaddesk.adapters.dead_letters import DeadLetterQueue
    from leaddesk.adapters.dns import DnsDeliverability
    from leaddesk.adapters.metrics import OperatorMetrics
    from leaddesk.adapters.store import LeadStore
    from leaddesk.config import IngestSettings, load_settings
    from leaddesk.domain.contact import ContactValidator, SyntaxOnly
    from leaddesk.services.ingest import IngestService

    config = load_settings(IngestSettings)
    deliverability = (
        DnsDeliverability(timeout=config.dns_timeout_seconds)
        if config.email_deliverability == "dns"
        else SyntaxOnly()
    )
    return IngestService(
        store=LeadStore(aws.dynamodb(), config.table_name, config.item_policy()),
        publisher=EventPublisher(aws.events(), config.event_bus_name),
        dead_letters=DeadLetterQueue(aws.sqs(), config.ingest_dlq_url),
        contact=ContactValidator(deliverability, config.spam_domain_list(), config.spam_address_list()),
        clock=utc_now,
        metrics=OperatorMetrics(),
    )


@cache
def leads_service() -> LeadsService:
    from leaddesk.adapters.clock import utc_now
    from leaddesk.config import LeadsApiSettings, load_settings
    from leaddesk.services.leads import LeadsService

    config = load_settings(LeadsApiSettings)
    return LeadsService(_lead_store(config), _change_publisher(config), utc_now, config.lead_expiry_days)


@cache
def sweep_service() -> SweepService:
    from leaddesk.adapters.metrics import OperatorMetrics
    from leaddesk.config import SweepSettings, load_settings
    from leaddesk.services.sweep import SweepService

    config = load_settings(SweepSettings)
    return SweepService(
        _lead_store(config), _change_publisher(config), OperatorMetrics(), config.lead_expiry_days
    )


@cache
def republish_service() -> RepublishService:
    from leaddesk.adapters import aws
    from leaddesk.adapters.bus import EventPublisher
    from leaddesk.config import RepublishSettings, load_settings
    from leaddesk.services.republish import RepublishService

    config = load_settings(RepublishSettings)
    return RepublishService(EventPublisher(aws.events(), config.event_bus_name))


@cache
def exports_service() -> ExportsService:
    from leaddesk.adapters import aws
    from leaddesk.adapters.clock import utc_now
    from leaddesk.adapters.dynamo.items import ItemPolicy
    from leaddesk.adapters.exports_store import ExportsStore
    from leaddesk.adapters.store import LeadStore
    from leaddesk.config import ExportApiSettings, load_settings
    from leaddesk.services.exports import ExportQueue, ExportsService

    config = load_settings(ExportApiSettings)
    return ExportsService(
        ExportsStore(aws.dynamodb(), config.table_name),
        LeadStore(aws.dynamodb(), config.table_name, ItemPolicy()),
        ExportQueue(aws.sqs(), config.export_queue_url),
        aws.s3(),
        config.export_bucket,
        utc_now,
        config.download_link_seconds,
    )


@cache
def export_worker() -> ExportWorker:
    from leaddesk.adapters import aws
    from leaddesk.adapters.clock import utc_now
    from leaddesk.adapters.exports_store import ExportsStore
    from leaddesk.config import ExportWorkerSettings, load_settings
    from leaddesk.services.exports import ExportQueue, ExportWorker

    config = load_settings(ExportWorkerSettings)
    return ExportWorker(
        ExportsStore(aws.dynamodb(), config.table_name),
        _lead_store(config),
        ExportQueue(aws.sqs(), config.export_queue_url),
        aws.s3(),
        config.export_bucket,
        _change_publisher(config),
        utc_now,
        config.export_max_receives,
    )


@cache
def export_dead_letters() -> DeadLetterQueue:
    from leaddesk.adapters import aws
    from leaddesk.adapters.dead_letters import DeadLetterQueue
    from leaddesk.config import ExportWorkerSettings, load_settings

    return DeadLetterQueue(aws.sqs(), load_settings(ExportWorkerSettings).export_dlq_url)


def _lead_store(config: LifecycleSettings) -> LeadStore:
    from leaddesk.adapters import aws
    from leaddesk.adapters.store import LeadStore

    return LeadStore(aws.dynamodb(), config.table_name, config.item_policy())


def _change_publisher(config: LifecycleSettings) -> ChangePublisher:
    from leaddesk.adapters import aws
    from leaddesk.adapters.bus import EventPublisher
    from leaddesk.adapters.metrics import OperatorMetrics
    from leaddesk.adapters.pending_events import PendingEvents
    from leaddesk.services.changes import ChangePublisher

    return ChangePublisher(
        EventPublisher(aws.events(), config.event_bus_name),
        PendingEvents(aws.sqs(), config.pending_events_queue_url),
        OperatorMetrics(),
    )


BUILDERS = (
    ingest_service,
    leads_service,
    sweep_service,
    republish_service,
    exports_service,
    export_worker,
    export_dead_letters,
)


def reset() -> None:
    """Forget every built service and AWS client (tests switch between moto back ends)."""
    from leaddesk.adapters import aws

    for builder in BUILDERS:
        builder.cache_clear()
    aws.reset_clients()
