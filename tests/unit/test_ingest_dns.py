"""DNS deliverability behind its interface: a fake resolver raising dnspython's own exceptions.

No network: the resolver object stands in for dnspython's (it has `.resolve(name, rdtype)` and a
settable `lifetime`), and email-validator's real deliverability rules run on its answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dns.exception
import dns.resolver

from leaddesk.adapters.dns import DnsDeliverability
from leaddesk.domain.contact import ContactValidator, Deliverability
from leaddesk.domain.models import EmailValidity


@dataclass
class MX:
    preference: int
    exchange: str


@dataclass
class A:
    address: str


@dataclass
class FakeResolver:
    """Answers by domain: a list of records per rdtype, or an exception instance to raise."""

    zones: dict[str, dict[str, object]] = field(default_factory=dict)
    default: object = None  # what unknown domains get (an exception), NXDOMAIN when None
    lifetime: float = 0.0
    calls: list[tuple[str, str]] = field(default_factory=list)

    def resolve(self, name: str, rdtype: str) -> object:
        self.calls.append((name, rdtype))
        zone = self.zones.get(name)
        if zone is None:
            answer = self.default if self.default is not None else dns.resolver.NXDOMAIN()
        else:
            answer = zone.get(rdtype, dns.resolver.NoAnswer())
        if isinstance(answer, BaseException):
            raise answer
        return answer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


MAIL = {"MX": [MX(10, "mx.contoso.com.")]}
GMAIL = {"gmail.com": {"MX": [MX(5, "gmail-smtp-in.l.google.com.")]}}


def checker(resolver: FakeResolver, **options: float) -> tuple[DnsDeliverability, Clock]:
    clock = Clock()
    return DnsDeliverability(timeout=0.5, resolver=resolver, clock=clock, **options), clock  # type: ignore[arg-type]


def test_a_domain_with_mx_is_deliverable_and_the_answer_is_cached() -> None:
    resolver = FakeResolver({"contoso.com": MAIL, **GMAIL})
    dns_check, _ = checker(resolver)
    assert resolver.lifetime == 0.5  # the short timeout is applied to the resolver
    assert dns_check.check("contoso.com") is Deliverability.DELIVERABLE
    calls = len(resolver.calls)
    assert dns_check.check("contoso.com") is Deliverability.DELIVERABLE
    assert len(resolver.calls) == calls  # served from the cache


def test_nxdomain_is_undeliverable_when_the_canary_resolves() -> None:
    resolver = FakeResolver(dict(GMAIL))
    dns_check, _ = checker(resolver)
    assert dns_check.check("no-such-domain-contoso.com") is Deliverability.UNDELIVERABLE
    assert ("gmail.com", "MX") in resolver.calls  # the canary was asked once
    calls = len(resolver.calls)
    assert dns_check.check("no-such-domain-contoso.com") is Deliverability.UNDELIVERABLE
    assert len(resolver.calls) == calls


def test_a_resolver_that_denies_everything_is_broken_so_answers_are_unknown() -> None:
    """Sandboxed DNS answers NXDOMAIN even for gmail.com: that says nothing about the lead."""
    resolver = FakeResolver({})
    dns_check, _ = checker(resolver)
    assert dns_check.check("contoso.com") is Deliverability.UNKNOWN
    assert dns_check.check("fabrikam.com") is Deliverability.UNKNOWN
    assert resolver.calls.count(("gmail.com", "MX")) == 1  # the canary verdict is remembered


def test_null_mx_and_no_records_are_undeliverable() -> None:
    resolver = FakeResolver(
        {
            "nullmx.com": {"MX": [MX(0, ".")]},
            "nomail.com": {},  # the name exists but has no MX, A or AAAA: NoAnswer everywhere
            **GMAIL,
        }
    )
    dns_check, _ = checker(resolver)
    assert dns_check.check("nullmx.com") is Deliverability.UNDELIVERABLE
    assert dns_check.check("nomail.com") is Deliverability.UNDELIVERABLE


def test_an_a_record_is_the_fallback() -> None:
    resolver = FakeResolver({"a-only.com": {"A": [A("93.184.216.34")], "TXT": []}, **GMAIL})
    dns_check, _ = checker(resolver)
    assert dns_check.check("a-only.com") is Deliverability.DELIVERABLE


def test_timeout_is_unknown_and_starts_a_quiet_period() -> None:
    resolver = FakeResolver(dict(GMAIL), default=dns.exception.Timeout())
    dns_check, clock = checker(resolver, quiet_seconds=60)
    assert dns_check.check("slow.com") is Deliverability.UNKNOWN
    calls = len(resolver.calls)
    # During the quiet period nobody waits on DNS: other domains are unknown at once.
    assert dns_check.check("other.com") is Deliverability.UNKNOWN
    assert len(resolver.calls) == calls
    clock.now += 61
    resolver.zones["other.com"] = MAIL
    assert dns_check.check("other.com") is Deliverability.DELIVERABLE
    # an unknown answer is never cached: the slow domain is asked again after the quiet period
    assert dns_check.check("slow.com") is Deliverability.UNKNOWN
    assert resolver.calls.count(("slow.com", "MX")) == 2


def test_no_nameservers_is_unknown_and_quiet() -> None:
    resolver = FakeResolver(dict(GMAIL), default=dns.resolver.NoNameservers())
    dns_check, clock = checker(resolver, quiet_seconds=30)
    assert dns_check.check("contoso.com") is Deliverability.UNKNOWN
    calls = len(resolver.calls)
    clock.now += 10
    assert dns_check.check("fabrikam.com") is Deliverability.UNKNOWN
    assert len(resolver.calls) == calls


def test_a_resolver_raising_os_errors_never_escapes() -> None:
    resolver = FakeResolver({}, default=OSError("network unreachable"))
    dns_check, _ = checker(resolver)
    assert dns_check.check("contoso.com") is Deliverability.UNKNOWN


def test_the_cache_is_bounded() -> None:
    resolver = FakeResolver({"a.com": MAIL, "b.com": MAIL, "c.com": MAIL, **GMAIL})
    dns_check, _ = checker(resolver, cache_size=2)
    for domain in ("a.com", "b.com", "c.com"):
        dns_check.check(domain)
    before = resolver.calls.count(("a.com", "MX"))
    dns_check.check("a.com")  # evicted (least recently used) so asked again
    assert resolver.calls.count(("a.com", "MX")) == before + 1
    dns_check.check("c.com")
    assert resolver.calls.count(("c.com", "MX")) == 1


def test_the_validator_maps_dns_verdicts_to_email_validity() -> None:
    resolver = FakeResolver({"contoso.com": MAIL, **GMAIL})
    dns_check, _ = checker(resolver)
    validator = ContactValidator(dns_check)
    assert validator.email("ada@contoso.com")[1] is EmailValidity.VALID
    address, validity, reason = validator.email("ada@gone-contoso.com")
    assert address == "ada@gone-contoso.com"
    assert validity is EmailValidity.INVALID and reason == "gone-contoso.com does not accept email"
    broken = ContactValidator(checker(FakeResolver({}, default=dns.exception.Timeout()))[0])
    assert broken.email("ada@contoso.com")[1] is EmailValidity.UNKNOWN
