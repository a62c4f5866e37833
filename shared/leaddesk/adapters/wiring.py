"""Builds the adapters a handler needs from the settings, once per process."""

from __future__ import annotations

from leaddesk.adapters.dns import DnsDeliverability
from leaddesk.config import Settings
from leaddesk.domain.contact import ContactValidator, SyntaxOnly


def contact_validator(config: Settings) -> ContactValidator:
    checker = (
        DnsDeliverability(timeout=config.dns_timeout_seconds)
        if config.email_deliverability == "dns"
        else SyntaxOnly()
    )
    return ContactValidator(checker, config.spam_domain_list(), config.spam_address_list())
