"""Runtime configuration, read once from the environment that template.yaml sets."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    table_name: str = Field(description="The single DynamoDB table (TABLE_NAME)")
    event_bus_name: str = Field(description="The LeadDesk event bus (EVENT_BUS_NAME)")
    ingest_dlq_url: str | None = Field(default=None, description="Where permanently bad events go")
    email_deliverability: Literal["dns", "off"] = Field(
        default="dns", description="`dns`: look up the mail domain; `off`: syntax and spam lists only"
    )
    dns_timeout_seconds: float = Field(default=1.5, gt=0, le=10)
    spam_domains: str = Field(default="", description="Comma-separated extra spam domains")
    spam_addresses: str = Field(default="", description="Comma-separated blocklisted addresses")
    pending_events_queue_url: str | None = Field(
        default=None, description="Where events the bus refused after retries wait to be republished"
    )
    lead_expiry_days: int = Field(default=14, ge=1)

    def spam_domain_list(self) -> list[str]:
        return [d for d in self.spam_domains.split(",") if d.strip()]

    def spam_address_list(self) -> list[str]:
        return [a for a in self.spam_addresses.split(",") if a.strip()]


@cache
def settings() -> Settings:
    return Settings.model_validate({})  # required values come from the environment
