"""The composition root: the one place that builds each function's services from its settings.

Each builder runs once per process (Lambda reuses the process across invocations) and imports
only what its function needs, so the API never pays for the ingest's contact-validation
libraries at cold start. Handlers call these; nothing else constructs a service.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leaddesk.adapters.action_center import ActionCenterStore
    from leaddesk.adapters.notify_store import NotifyStore
    from leaddesk.adapters.people import PeopleDirectory
    from leaddesk.adapters.store import LeadStore
    from leaddesk.adapters.webhook_queue import AttemptQueue
    from leaddesk.adapters.webhook_secrets import SecretVault
    from leaddesk.adapters.webhook_store import WebhookStore
    from leaddesk.config import FunctionSettings, LifecycleSettings, MailSettings, PeopleSettings
    from leaddesk.domain.emails import EmailRenderer
    from leaddesk.services.action_center import ActionCenterService, SettingsService
    from leaddesk.services.changes import ChangePublisher
    from leaddesk.services.deliveries import Deliverer
    from leaddesk.services.digest import DigestService
    from leaddesk.services.exports import ExportsService, ExportWorker
    from leaddesk.services.feedback import FeedbackService
    from leaddesk.services.ingest import IngestService
    from leaddesk.services.leads import LeadsService
    from leaddesk.services.notify import NotifyService
    from leaddesk.services.queue_consumer import QueueConsumer
    from leaddesk.services.republish import RepublishService
    from leaddesk.services.sweep import SweepService
    from leaddesk.services.webhook_delivery import WebhookDeliverer, WebhookDispatcher, WebhookRetrySweep
    from leaddesk.services.webhooks import WebhooksService


@cache
def ingest_service() -> IngestService:
    from leaddesk.adapters import aws
    from leaddesk.adapters.bus import EventPublisher
    from leaddesk.adapters.clock import utc_now
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
    from leaddesk.adapters.export_files import ExportFiles
    from leaddesk.adapters.export_queue import ExportQueue
    from leaddesk.adapters.exports_store import ExportsStore
    from leaddesk.adapters.store import LeadStore
    from leaddesk.config import ExportApiSettings, load_settings
    from leaddesk.services.exports import ExportsService

    config = load_settings(ExportApiSettings)
    return ExportsService(
        ExportsStore(aws.dynamodb(), config.table_name),
        LeadStore(aws.dynamodb(), config.table_name, ItemPolicy()),
        ExportQueue(aws.sqs(), config.export_queue_url),
        ExportFiles(aws.s3(), config.export_bucket),
        utc_now,
        config.download_link_seconds,
    )


@cache
def export_worker() -> ExportWorker:
    from leaddesk.adapters import aws
    from leaddesk.adapters.clock import utc_now
    from leaddesk.adapters.export_files import ExportFiles
    from leaddesk.adapters.export_queue import ExportQueue
    from leaddesk.adapters.exports_store import ExportsStore
    from leaddesk.config import ExportWorkerSettings, load_settings
    from leaddesk.services.exports import ExportWorker

    config = load_settings(ExportWorkerSettings)
    return ExportWorker(
        ExportsStore(aws.dynamodb(), config.table_name),
        _lead_store(config),
        ExportQueue(aws.sqs(), config.export_queue_url),
        ExportFiles(aws.s3(), config.export_bucket),
        _change_publisher(config),
        utc_now,
        config.export_max_receives,
    )


# --- the queue consumers: one per queue-fed function, each with its dead-letter queue -------------
@cache
def ingest_queue() -> QueueConsumer:
    from leaddesk.config import IngestSettings, load_settings

    return _queue_consumer("inbound event", load_settings(IngestSettings).ingest_dlq_url)


@cache
def notify_queue() -> QueueConsumer:
    from leaddesk.config import NotifySettings, load_settings

    return _queue_consumer("notice", load_settings(NotifySettings).notify_dlq_url)


@cache
def export_queue() -> QueueConsumer:
    from leaddesk.config import ExportWorkerSettings, load_settings

    return _queue_consumer("export message", load_settings(ExportWorkerSettings).export_dlq_url)


@cache
def republish_queue() -> QueueConsumer:
    # The pending-events queue has no dead-letter URL of its own to send to: its redrive
    # policy keeps what is retried past its receive limit.
    return _queue_consumer("parked event", None)


def _queue_consumer(subject: str, dead_letter_url: str | None) -> QueueConsumer:
    from leaddesk.adapters import aws
    from leaddesk.adapters.dead_letters import DeadLetterQueue
    from leaddesk.adapters.metrics import OperatorMetrics
    from leaddesk.services.queue_consumer import QueueConsumer

    dead_letters = DeadLetterQueue(aws.sqs(), dead_letter_url) if dead_letter_url is not None else None
    return QueueConsumer(subject, dead_letters, OperatorMetrics())


@cache
def notify_service() -> NotifyService:
    from datetime import timedelta

    from leaddesk.adapters.clock import utc_now
    from leaddesk.adapters.metrics import OperatorMetrics
    from leaddesk.config import NotifySettings, load_settings
    from leaddesk.services.notify import NotifyService

    config = load_settings(NotifySettings)
    store = _notify_store(config)
    return NotifyService(
        store=store,
        deliverer=_deliverer(config, store),
        renderer=_renderer(config),
        clock=utc_now,
        metrics=OperatorMetrics(),
        lease=timedelta(seconds=config.send_lease_seconds),
        expiry_days=config.lead_expiry_days,
        people=_people(config),
        export_retention=timedelta(days=config.export_retention_days),
    )


@cache
def feedback_service() -> FeedbackService:
    from leaddesk.adapters.clock import utc_now
    from leaddesk.adapters.metrics import OperatorMetrics
    from leaddesk.config import FeedbackSettings, load_settings
    from leaddesk.services.feedback import FeedbackService

    return FeedbackService(
        store=_notify_store(load_settings(FeedbackSettings)), clock=utc_now, metrics=OperatorMetrics()
    )


@cache
def feedback_queue() -> QueueConsumer:
    from leaddesk.config import FeedbackSettings, load_settings

    return _queue_consumer("feedback", load_settings(FeedbackSettings).feedback_dlq_url)


@cache
def digest_service() -> DigestService:
    from datetime import timedelta

    from leaddesk.adapters.clock import utc_now
    from leaddesk.adapters.metrics import OperatorMetrics
    from leaddesk.config import DigestSettings, load_settings
    from leaddesk.services.digest import DigestService

    config = load_settings(DigestSettings)
    store = _notify_store(config)
    return DigestService(
        store=store,
        deliverer=_deliverer(config, store),
        renderer=_renderer(config),
        clock=utc_now,
        metrics=OperatorMetrics(),
        lease=timedelta(seconds=config.send_lease_seconds),
    )


@cache
def action_center_service() -> ActionCenterService:
    from leaddesk.adapters.clock import utc_now
    from leaddesk.services.action_center import ActionCenterService

    return ActionCenterService(_action_center_store(), utc_now)


@cache
def settings_service() -> SettingsService:
    from leaddesk.adapters.clock import utc_now
    from leaddesk.config import NotificationsApiSettings, load_settings
    from leaddesk.services.action_center import SettingsService

    return SettingsService(_action_center_store(), utc_now, _people(load_settings(NotificationsApiSettings)))


def _people(config: PeopleSettings) -> PeopleDirectory:
    from datetime import timedelta

    from leaddesk.adapters import aws
    from leaddesk.adapters.clock import utc_now
    from leaddesk.adapters.people import PeopleDirectory

    ttl = timedelta(seconds=config.people_cache_seconds)
    return PeopleDirectory(aws.cognito_idp(), config.user_pool_id, utc_now, ttl)


def _action_center_store() -> ActionCenterStore:
    from leaddesk.adapters import aws
    from leaddesk.adapters.action_center import ActionCenterStore
    from leaddesk.config import NotificationsApiSettings, load_settings

    return ActionCenterStore(aws.dynamodb(), load_settings(NotificationsApiSettings).table_name)


def _notify_store(config: FunctionSettings) -> NotifyStore:
    from leaddesk.adapters import aws
    from leaddesk.adapters.notify_store import NotifyStore

    return NotifyStore(aws.dynamodb(), config.table_name)


def _deliverer(config: MailSettings, store: NotifyStore) -> Deliverer:
    from leaddesk.adapters import aws
    from leaddesk.adapters.clock import utc_now
    from leaddesk.adapters.mailer import SesMailer
    from leaddesk.adapters.metrics import OperatorMetrics
    from leaddesk.services.deliveries import Deliverer

    mailer = SesMailer(aws.sesv2(), config.sender_email, configuration_set=config.ses_configuration_set)
    return Deliverer(store, mailer, utc_now, OperatorMetrics())


def _renderer(config: MailSettings) -> EmailRenderer:
    from leaddesk.domain.emails import EmailRenderer

    return EmailRenderer(config.links_base(), config.lead_expiry_days)


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


# --- CRM push (webhooks) -----------------------------------------------------------------------
@cache
def webhooks_service() -> WebhooksService:
    from leaddesk.adapters.clock import utc_now
    from leaddesk.config import WebhooksApiSettings, load_settings
    from leaddesk.services.webhooks import WebhooksService

    config = load_settings(WebhooksApiSettings)
    return WebhooksService(
        _webhook_store(config),
        _secret_vault(config.webhook_key_id),
        _attempt_queue(config.webhook_attempt_queue_url),
        utc_now,
        config.webhook_allow_loopback,
    )


@cache
def webhook_dispatcher() -> WebhookDispatcher:
    from leaddesk.adapters import aws
    from leaddesk.adapters.clock import utc_now
    from leaddesk.adapters.dynamo.items import ItemPolicy
    from leaddesk.adapters.store import LeadStore
    from leaddesk.config import WebhookDispatchSettings, load_settings
    from leaddesk.services.webhook_delivery import WebhookDispatcher

    config = load_settings(WebhookDispatchSettings)
    return WebhookDispatcher(
        _webhook_store(config),
        LeadStore(aws.dynamodb(), config.table_name, ItemPolicy(expiry_days=config.lead_expiry_days)),
        _attempt_queue(config.webhook_attempt_queue_url),
        utc_now,
        config.lead_expiry_days,
    )


@cache
def webhook_deliverer() -> WebhookDeliverer:
    from leaddesk.adapters import aws
    from leaddesk.adapters.bus import EventPublisher
    from leaddesk.adapters.clock import utc_now
    from leaddesk.adapters.webhook_http import WebhookSender
    from leaddesk.config import WebhookDeliverySettings, load_settings
    from leaddesk.services.webhook_delivery import DisabledOnTheBus, WebhookDeliverer

    config = load_settings(WebhookDeliverySettings)
    return WebhookDeliverer(
        _webhook_store(config),
        _secret_vault(config.webhook_key_id),
        WebhookSender(allow_loopback=config.webhook_allow_loopback),
        _attempt_queue(config.webhook_attempt_queue_url),
        utc_now,
        DisabledOnTheBus(EventPublisher(aws.events(), config.event_bus_name)),
    )


@cache
def webhook_retry_sweep() -> WebhookRetrySweep:
    from leaddesk.config import WebhookRetrySettings, load_settings
    from leaddesk.services.webhook_delivery import WebhookRetrySweep

    config = load_settings(WebhookRetrySettings)
    return WebhookRetrySweep(_webhook_store(config), _attempt_queue(config.webhook_attempt_queue_url))


@cache
def webhook_events_queue() -> QueueConsumer:
    from leaddesk.config import WebhookDispatchSettings, load_settings

    return _queue_consumer("webhook event", load_settings(WebhookDispatchSettings).webhook_events_dlq_url)


@cache
def webhook_attempts_queue() -> QueueConsumer:
    from leaddesk.config import WebhookDeliverySettings, load_settings

    return _queue_consumer("webhook attempt", load_settings(WebhookDeliverySettings).webhook_attempt_dlq_url)


def _webhook_store(config: FunctionSettings) -> WebhookStore:
    from leaddesk.adapters import aws
    from leaddesk.adapters.webhook_store import WebhookStore

    return WebhookStore(aws.dynamodb(), config.table_name)


def _secret_vault(key_id: str) -> SecretVault:
    from leaddesk.adapters import aws
    from leaddesk.adapters.webhook_secrets import SecretVault

    return SecretVault(aws.kms(), key_id)


def _attempt_queue(url: str) -> AttemptQueue:
    from leaddesk.adapters import aws
    from leaddesk.adapters.webhook_queue import AttemptQueue

    return AttemptQueue(aws.sqs(), url)


BUILDERS = (
    ingest_service,
    leads_service,
    sweep_service,
    republish_service,
    exports_service,
    export_worker,
    notify_service,
    feedback_service,
    digest_service,
    action_center_service,
    settings_service,
    ingest_queue,
    notify_queue,
    export_queue,
    republish_queue,
    feedback_queue,
    webhooks_service,
    webhook_dispatcher,
    webhook_deliverer,
    webhook_retry_sweep,
    webhook_events_queue,
    webhook_attempts_queue,
)


def reset() -> None:
    """Forget every built service and AWS client (tests switch between moto back ends)."""
    from leaddesk.adapters import aws

    for builder in BUILDERS:
        builder.cache_clear()
    aws.reset_clients()
