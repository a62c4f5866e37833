"""Contact validation: reachability only, never identity or legitimacy (docs/product.md, "Contact").

email-validator checks syntax and reserved names, the maintained disposable-domain list and a
configurable blocklist mark spam, and deliverability (does the domain accept mail?) sits
behind `DeliverabilityChecker` so a slow or absent DNS never blocks ingest. phonenumbers
checks phones with the lead's country as the default region (countries: `domain.countries`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

import email_validator
from disposable_email_domains import blocklist as _disposable_domains

from leaddesk.domain.models import EmailValidity, PhoneValidity

# RFC 2606 example domains: well-formed, never deliverable. email-validator knows the
# special-use TLDs (.test, .invalid, ...) but lets these through without a DNS lookup.
_RESERVED_DOMAINS = frozenset({"example.com", "example.net", "example.org"})


class Deliverability(StrEnum):
    DELIVERABLE = "deliverable"
    UNDELIVERABLE = "undeliverable"
    UNKNOWN = "unknown"


class DeliverabilityChecker(Protocol):
    """Answers whether a mail domain accepts mail; must never raise and must return quickly."""

    def check(self, domain: str) -> Deliverability: ...


class SyntaxOnly:
    """Deliverability not checked (configuration `off`): a well-formed address counts as valid."""

    def check(self, domain: str) -> Deliverability:
        return Deliverability.DELIVERABLE


@dataclass(frozen=True)
class ContactVerdict:
    email: str | None
    email_validity: EmailValidity
    email_reason: str | None
    phone: str | None
    phone_validity: PhoneValidity
    phone_reason: str | None
    email_lookalike: str | None = None  # why the email's domain looks like another one


class ContactValidator:
    def __init__(
        self,
        deliverability: DeliverabilityChecker | None = None,
        spam_domains: Iterable[str] = (),
        spam_addresses: Iterable[str] = (),
    ) -> None:
        self._deliverability = deliverability or SyntaxOnly()
        self._spam_domains = frozenset(d.strip().lower() for d in spam_domains if d.strip())
        self._spam_addresses = frozenset(a.strip().lower() for a in spam_addresses if a.strip())

    def email(self, raw: str | None) -> tuple[str | None, EmailValidity, str | None]:
        """(normalised address, validity, reason when not valid)."""
        text = (raw or "").strip()
        if not text:
            return None, EmailValidity.UNKNOWN, "email missing"
        address, domain, error = _email_syntax(text)
        if error is not None:
            return text, EmailValidity.INVALID, error
        if domain in _RESERVED_DOMAINS:
            return address, EmailValidity.INVALID, f"{domain} is a reserved example domain"
        if address.lower() in self._spam_addresses or _is_spam_domain(domain, self._spam_domains):
            return address, EmailValidity.SPAM, f"{domain} is a disposable or blocklisted domain"
        verdict = self._deliverability.check(domain)
        if verdict is Deliverability.UNDELIVERABLE:
            return address, EmailValidity.INVALID, f"{domain} does not accept email"
        if verdict is Deliverability.UNKNOWN:
            return address, EmailValidity.UNKNOWN, f"could not check whether {domain} accepts email"
        return address, EmailValidity.VALID, None

    def validate(self, email: str | None, phone: str | None, country: str | None) -> ContactVerdict:
        address, email_validity, email_reason = self.email(email)
        number, phone_validity, phone_reason = validate_phone(phone, country)
        lookalike = lookalike_domain(address.rpartition("@")[2]) if address else None
        return ContactVerdict(
            address, email_validity, email_reason, number, phone_validity, phone_reason, lookalike
        )


def well_formed_email(raw: str | None) -> str | None:
    """The normalised address when `raw` is a well-formed email (syntax only), else None."""
    text = (raw or "").strip()
    if not text:
        return None
    address, _, error = _email_syntax(text)
    return address if error is None else None


@lru_cache(maxsize=16_384)
def _email_syntax(text: str) -> tuple[str, str, str | None]:
    """(normalised address, lower-case domain, error) by email-validator; cached per value, as
    the same addresses recur (repeats, retries, test leads)."""
    try:
        parsed = email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError as error:
        return text, "", str(error)
    return parsed.normalized, parsed.domain.lower(), None


# Unicode TS #39 "highly restrictive" identifiers: one script, or one of these combinations
# (Japanese, Chinese with Bopomofo, Korean — each may also hold Latin). Anything else mixing
# scripts in one label (Latin "gm" + Cyrillic "а" + Latin "il") is how look-alike domains are made.
_ALLOWED_SCRIPT_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
_SCRIPT_NEUTRAL = frozenset({"COMMON", "INHERITED"})  # digits, hyphens, combining marks


@lru_cache(maxsize=4096)
def lookalike_domain(domain: str) -> str | None:
    """Why `domain` looks like another domain — a label mixing scripts — or None.

    ASCII domains are one script by construction (punycode labels are decoded first), so only
    internationalised domains pay for the script data (confusable-homoglyphs, from Unicode's
    Scripts.txt; the standard library has no script property).
    """
    labels = [_unicode_label(label) for label in domain.lower().split(".") if label]
    if all(label.isascii() for label in labels):
        return None
    from confusable_homoglyphs import categories

    for label in labels:
        scripts = frozenset(categories.unique_aliases(label)) - _SCRIPT_NEUTRAL
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_SCRIPT_MIXES):
            named = ", ".join(sorted(script.title() for script in scripts))
            return f"email domain label {label!r} mixes scripts ({named}): a look-alike of another domain"
    return None


def _unicode_label(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return label.encode("ascii").decode("idna")
    except UnicodeError:
        return label


def _is_spam_domain(domain: str, extra: frozenset[str]) -> bool:
    # Subdomains of a listed domain count too (x.mailinator.com).
    labels = domain.split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        if candidate in _disposable_domains or candidate in extra:
            return True
    return False


@lru_cache(maxsize=16_384)
def validate_phone(raw: str | None, country: str | None) -> tuple[str | None, PhoneValidity, str | None]:
    """(E.164 when valid else the input, validity, reason when not valid); cached per value."""
    import phonenumbers  # on first use: the notifier and the APIs check addresses, never phones

    text = (raw or "").strip()
    if not text:
        return None, PhoneValidity.UNKNOWN, "phone missing"
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException as error:
        return text, PhoneValidity.INVALID, f"phone not parseable: {error}"
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        return text, PhoneValidity.INVALID, "phone is not a valid number for its region"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), PhoneValidity.VALID, None
