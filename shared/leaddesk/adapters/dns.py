"""Mail-domain deliverability over DNS (email-validator's MX/A/AAAA rules), made safe for ingest.

Short timeout, per-process cache of answers, and a canary: when the resolver claims that a
domain known to receive mail does not exist, the resolver is broken (no network, sandboxed
DNS), so its answers are `unknown` rather than `undeliverable`. After a timeout the checker
stays quiet for a while instead of making every lead in a batch wait.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import dns.exception
import dns.resolver
from email_validator import EmailUndeliverableError, caching_resolver
from email_validator.deliverability import validate_email_deliverability

from leaddesk.domain.contact import Deliverability


class DnsDeliverability:
    def __init__(
        self,
        timeout: float = 1.5,
        canary_domain: str = "gmail.com",
        resolver: Any = None,
        cache_size: int = 10_000,
        quiet_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._resolver = resolver or caching_resolver(timeout=int(max(1, timeout)))
        self._resolver.lifetime = timeout
        self._canary = canary_domain
        self._cache: OrderedDict[str, Deliverability] = OrderedDict()
        self._cache_size = cache_size
        self._quiet_seconds = quiet_seconds
        self._quiet_until = 0.0
        self._resolver_healthy: bool | None = None
        self._clock = clock

    def check(self, domain: str) -> Deliverability:
        if domain in self._cache:
            self._cache.move_to_end(domain)
            return self._cache[domain]
        if self._clock() < self._quiet_until:
            return Deliverability.UNKNOWN
        verdict = self._lookup(domain)
        if verdict is Deliverability.UNDELIVERABLE and not self._healthy():
            verdict = Deliverability.UNKNOWN
        if verdict is not Deliverability.UNKNOWN:
            self._cache[domain] = verdict
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return verdict

    def _lookup(self, domain: str) -> Deliverability:
        try:
            info = validate_email_deliverability(domain, domain, dns_resolver=self._resolver)
        except EmailUndeliverableError:
            return Deliverability.UNDELIVERABLE
        except (dns.exception.DNSException, OSError):
            self._quiet_until = self._clock() + self._quiet_seconds
            return Deliverability.UNKNOWN
        if "unknown-deliverability" in info:
            self._quiet_until = self._clock() + self._quiet_seconds
            return Deliverability.UNKNOWN
        return Deliverability.DELIVERABLE

    def _healthy(self) -> bool:
        if self._resolver_healthy is None:
            self._resolver_healthy = self._lookup(self._canary) is Deliverability.DELIVERABLE
        return self._resolver_healthy
