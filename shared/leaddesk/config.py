"""Configuration per function, read once from the environment template.yaml gives that function.

Each function has its own settings class; `FUNCTION_SETTINGS` maps the template's logical ids
to them, and a template test checks every function's environment satisfies its class.
Adapters never read the environment: the composition root passes these values in.

A field `some_name` is read from the variable `SOME_NAME`. Plain pydantic models (not
pydantic-settings, whose import alone cost a cold start about 40 ms) validate them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from leaddesk.adapters.dynamo.items import ItemPolicy
from leaddesk.adapters.dynamo.keys import DEFAULT_DUE_SHARDS
from leaddesk.domain.timed_rules import DEFAULT_EXPIRY_DAYS


class FunctionSettings(BaseModel):
    """What every function needs: the table and the bus."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    table_name: str = Field(description="The single DynamoDB table (TABLE_NAME)")
    event_bus_name: str = Field(description="The LeadDesk event bus (EVENT_BUS_NAME)")


class LeadWriterSettings(FunctionSettings):
    """Functions that write leads: what the item layout depends on."""

    lead_expiry_days: int = Field(default=DEFAULT_EXPIRY_DAYS, ge=1, description="LEAD_EXPIRY_DAYS")
    due_shards: int = Field(
        default=DEFAULT_DUE_SHARDS, ge=1, le=64, description="DUE_SHARDS: partitions of the Due index"
    )

    def item_policy(self) -> ItemPolicy:
        return ItemPolicy(expiry_days=self.lead_expiry_days, due_shards=self.due_shards)


class LifecycleSettings(LeadWriterSettings):
    """Functions that apply lifecycle rules and must publish every change they store."""

    pending_events_queue_url: str = Field(
        description="Where events the bus refused after retries wait to be republished"
    )


class IngestSettings(LeadWriterSettings):
    ingest_dlq_url: str = Field(description="Where permanently bad events go (INGEST_DLQ_URL)")
    email_deliverability: Literal["dns", "off"] = Field(
        default="dns", description="`dns`: look up the mail domain; `off`: syntax and spam lists only"
    )
    dns_timeout_seconds: float = Field(default=1.5, gt=0, le=10)
    spam_domains: str = Field(default="", description="Comma-separated extra spam domains")
    spam_addresses: str = Field(default="", description="Comma-separated blocklisted addresses")

    def spam_domain_list(self) -> list[str]:
        return [d for d in self.spam_domains.split(",") if d.strip()]

    def spam_address_list(self) -> list[str]:
        return [a for a in self.spam_addresses.split(",") if a.strip()]


class LeadsApiSettings(LifecycleSettings):
    pass


class SweepSettings(LifecycleSettings):
    pass


class RepublishSettings(FunctionSettings):
    pass


class ExportApiSettings(FunctionSettings):
    export_queue_url: str = Field(description="Where export jobs are queued (EXPORT_QUEUE_URL)")
    export_bucket: str = Field(description="The private bucket of export files (EXPORT_BUCKET)")
    download_link_seconds: int = Field(
        default=900, ge=60, le=900, description="How long a download link works (at most 15 minutes)"
    )


class ExportWorkerSettings(LifecycleSettings):
    export_queue_url: str = Field(description="Where the worker hands on what it could not finish")
    export_dlq_url: str = Field(description="Where malformed export messages go, with their reason")
    export_bucket: str = Field(description="The private bucket of export files (EXPORT_BUCKET)")
    export_max_receives: int = Field(
        default=3, ge=1, description="The export queue's maxReceiveCount: the last delivery ends a job"
    )


class MailSettings(FunctionSettings):
    """Functions that send email: the sender, the links, how long a send may stay unconfirmed."""

    sender_email: str = Field(description="SENDER_EMAIL: the SES identity LeadDesk sends from")
    workspace_url: str = Field(
        default="", description="WORKSPACE_URL: the web workspace's URL for links (empty: WEB_APP_URL)"
    )
    web_app_url: str = Field(description="WEB_APP_URL: the stack's own web workspace, e.g. https://…/app")
    lead_expiry_days: int = Field(default=DEFAULT_EXPIRY_DAYS, ge=1, description="LEAD_EXPIRY_DAYS")
    send_lease_seconds: int = Field(
        default=120,
        ge=10,
        description="A `sending` record older than this was interrupted: it is never sent again",
    )
    ses_configuration_set: str = Field(
        default="",
        description="SES_CONFIGURATION_SET: publishes bounces and complaints to the feedback topic",
    )

    def links_base(self) -> str:
        return self.workspace_url or self.web_app_url


class PeopleSettings(FunctionSettings):
    """Functions that ask the identity provider who a partner's referral admins are."""

    user_pool_id: str = Field(description="USER_POOL_ID: the Cognito user pool of the partners' people")
    people_cache_seconds: int = Field(
        default=300, ge=0, description="How long a process keeps the pool's referrals_admin listing"
    )


class NotifySettings(MailSettings, PeopleSettings):
    notify_dlq_url: str = Field(description="Where events the notifier can never handle go (NOTIFY_DLQ_URL)")
    export_retention_days: int = Field(
        default=7,
        ge=1,
        description="EXPORT_RETENTION_DAYS: a ready export's item is resolved when its file goes",
    )


class DigestSettings(MailSettings):
    pass


class NotificationsApiSettings(PeopleSettings):
    pass


class FeedbackSettings(FunctionSettings):
    feedback_dlq_url: str = Field(description="Where feedback that can never be used goes (FEEDBACK_DLQ_URL)")


class WebhookSettings(FunctionSettings):
    """Functions of the CRM push: where attempts are queued."""

    webhook_attempt_queue_url: str = Field(description="WEBHOOK_ATTEMPT_QUEUE_URL: one message per attempt")


class WebhookSecretSettings(WebhookSettings):
    """Functions that seal or open endpoints' signing secrets, and check endpoint URLs."""

    webhook_key_id: str = Field(description="WEBHOOK_KEY_ID: the KMS key that encrypts signing secrets")
    webhook_allow_loopback: bool = Field(
        default=False,
        description="WEBHOOK_ALLOW_LOOPBACK: the local stack delivers to http://127.0.0.1 (never in AWS)",
    )


class WebhooksApiSettings(WebhookSecretSettings):
    pass


class WebhookDispatchSettings(WebhookSettings):
    webhook_events_dlq_url: str = Field(description="Where events the dispatcher can never read go")
    lead_expiry_days: int = Field(default=DEFAULT_EXPIRY_DAYS, ge=1, description="LEAD_EXPIRY_DAYS")


class WebhookDeliverySettings(WebhookSecretSettings):
    webhook_attempt_dlq_url: str = Field(description="Where unreadable attempt messages go")


class WebhookRetrySettings(WebhookSettings):
    pass


FUNCTION_SETTINGS: dict[str, type[FunctionSettings]] = {
    "IngestFunction": IngestSettings,
    "LifecycleApiFunction": LeadsApiSettings,
    "LifecycleSweepFunction": SweepSettings,
    "EventRepublishFunction": RepublishSettings,
    "ExportApiFunction": ExportApiSettings,
    "ExportWorkerFunction": ExportWorkerSettings,
    "NotifyFunction": NotifySettings,
    "NotifyDigestFunction": DigestSettings,
    "NotificationsApiFunction": NotificationsApiSettings,
    "MailFeedbackFunction": FeedbackSettings,
    "WebhooksApiFunction": WebhooksApiSettings,
    "WebhookDispatchFunction": WebhookDispatchSettings,
    "WebhookDeliveryFunction": WebhookDeliverySettings,
    "WebhookRetryFunction": WebhookRetrySettings,
}


Settings = TypeVar("Settings", bound=FunctionSettings)


def load_settings(kind: type[Settings], environment: Mapping[str, str] = os.environ) -> Settings:
    """The function's settings, from the environment (`FIELD_NAME` for each `field_name`)."""
    present = {name: environment[name.upper()] for name in kind.model_fields if name.upper() in environment}
    return kind.model_validate(present)
