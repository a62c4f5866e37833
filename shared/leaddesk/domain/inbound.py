"""Inbound producer events (docs/product.md#inbound-events) → the canonical `Lead`.

Three detail-types arrive on the bus. Each is parsed tolerantly (key case and spacing vary,
any marketplace field may be missing); what cannot be mapped is kept verbatim and flagged.
Only an event that names no tenant or no event id, or whose fields have the wrong shape,
is rejected — with the offending field named — so it can go to the dead-letter queue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import ValidationError

from leaddesk.domain.access import is_partner_id
from leaddesk.domain.contact import ContactValidator
from leaddesk.domain.countries import country_code
from leaddesk.domain.dedupe import dedupe_key  # noqa: F401  (kept importable from here)
from leaddesk.domain.lead_source import (
    ActionCode,
    call_to_action_of,
    parse_lead_source,
    parse_source,
    resolve_action,
)
from leaddesk.domain.models import (
    INFORMATIONAL_CALLS_TO_ACTION,
    QUALIFIED_TYPES,
    CallToAction,
    Customer,
    Flame,
    Lead,
    LeadSourceKind,
    LeadStatus,
    LeadType,
    Offer,
    Person,
    Referrer,
)
from leaddesk.domain.money import DEFAULT_CURRENCY, ESTIMATED_VALUE, currency_code
from leaddesk.domain.quality import assess_quality
from leaddesk.domain.text import clean_text

MARKETPLACE_LEAD = "Marketplace Lead"
PROFILE_INQUIRY = "Profile Inquiry"
QUALIFIED_LEAD = "Qualified Lead"
INBOUND_DETAIL_TYPES = (MARKETPLACE_LEAD, PROFILE_INQUIRY, QUALIFIED_LEAD)
UNKNOWN_DETAIL_TYPE = "unknown detail-type"

TEST_MARKER = "msft_test"
MAX_TEXT = 4000  # longer free text is cut, never rejected


class InboundRejected(ValueError):
    """A permanently bad event: retrying it cannot help. Names the offending field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


E = TypeVar("E", bound=StrEnum)

_FOLD = re.compile(r"[\s_\-]+")


@lru_cache(maxsize=4096)
def _fold(key: str) -> str:
    # Producers send the same few keys over and over: the folded form is cached per spelling.
    return _FOLD.sub("", key).lower()


def _short(key: str) -> str:
    """A key as a reason quotes it: a key is a name, but a producer may send anything as one."""
    return repr(key if len(key) <= 40 else key[:40] + "…")


class _Fields:
    """Case- and spacing-insensitive view of a JSON object (`userDetails` = `UserDetails`)."""

    def __init__(self, data: Mapping[str, Any], path: str = "") -> None:
        self._data = {_fold(str(k)): v for k, v in data.items()}
        self._path = path
        if len(self._data) != len(data):
            self._refuse_ambiguous_keys(data)

    def _refuse_ambiguous_keys(self, data: Mapping[str, Any]) -> None:
        """Two keys that fold alike (`partner_id`, `Partner_ID`) leave which one is meant open:
        the event is refused naming both keys (never their values), not decided by their order."""
        seen: dict[str, str] = {}
        for key in map(str, data):
            first = seen.setdefault(_fold(key), key)
            if first != key:
                both = f"{_short(first)} and {_short(key)}"
                # Keys of only spaces or dashes fold to nothing: the object holding them is named.
                field = self._name(first) if _fold(first) else self._path.rstrip(".") or "detail"
                raise InboundRejected(field, f"the keys {both} differ only in case or spacing")

    def _name(self, key: str) -> str:
        return f"{self._path}{key}"

    def raw(self, key: str) -> Any:
        return self._data.get(_fold(key))

    def text(self, key: str, *, limit: int = 500) -> str | None:
        value = self._data.get(_fold(key))
        if value is None:
            return None
        if type(value) is not str:  # the hot path is a plain string; numbers are accepted as text
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise InboundRejected(self._name(key), f"expected text, got {type(value).__name__}")
            value = str(value)
        # Normalised as every way in normalises text (no control or bidi characters, NFC).
        return clean_text(value)[:limit] or None

    def required_text(self, key: str) -> str:
        value = self.text(key, limit=200)
        if not value:
            raise InboundRejected(self._name(key), "missing")
        return value

    def flag(self, key: str) -> bool:
        value = self.raw(key)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "yes", "1", "y"}:
            return True
        if isinstance(value, str) and value.strip().lower() in {"false", "no", "0", "n", ""}:
            return False
        if isinstance(value, int | float):
            return bool(value)
        raise InboundRejected(self._name(key), "expected true or false")

    def obj(self, key: str) -> _Fields | None:
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise InboundRejected(self._name(key), f"expected an object, got {type(value).__name__}")
        return _Fields(value, f"{self._name(key)}.")

    def timestamp(self, key: str) -> datetime | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as error:
            raise InboundRejected(self._name(key), "expected an ISO 8601 timestamp") from error
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    def enum_value(self, key: str, enum: type[E]) -> E | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            return enum(_FOLD.sub("_", value.strip()).lower())
        except ValueError as error:
            allowed = ", ".join(member.value for member in enum)
            raise InboundRejected(self._name(key), f"is not one of {allowed}") from error


@dataclass(frozen=True)
class IngestContext:
    """What the caller supplies so the mapping stays pure and deterministic."""

    lead_id: str
    received_at: datetime
    contact: ContactValidator


_CUSTOMER_FIELDS = ("first_name", "last_name", "email", "phone", "country", "company", "title")
_MARKETPLACE_CUSTOMER_FIELDS = ("FirstName", "LastName", "Email", "Phone", "Country", "Company", "Title")


def _customer(fields: _Fields | None, *, marketplace: bool) -> dict[str, str | None]:
    """The customer's fields as the producer sent them (normalised once, in `_build`)."""
    if fields is None:
        return {}
    names = _MARKETPLACE_CUSTOMER_FIELDS if marketplace else _CUSTOMER_FIELDS
    return {field: fields.text(name, limit=320) for field, name in zip(_CUSTOMER_FIELDS, names, strict=True)}


def _is_test(customer: Mapping[str, str | None], flagged: bool) -> bool:
    if flagged:
        return True
    identifying = (customer.get(name) for name in ("first_name", "last_name", "company", "email"))
    return any(value and value.lower().startswith(TEST_MARKER) for value in identifying)


def _person(fields: _Fields | None) -> Person | None:
    if fields is None:
        return None
    return Person(name=fields.text("name"), email=fields.text("email", limit=320))


def _referrer(fields: _Fields | None) -> Referrer | None:
    if fields is None:
        return None
    kind = (fields.text("kind") or "operator").lower()
    if kind not in {"operator", "partner"}:
        raise InboundRejected("referrer.kind", "is not one of operator, partner")
    return Referrer(kind=kind, name=fields.text("name"), email=fields.text("email", limit=320))


def _money(fields: _Fields) -> tuple[Decimal | None, str | None]:
    """The API's own bounds (`leaddesk.domain.money`): what a person could not enter cannot arrive."""
    raw = fields.raw("estimated_value")
    value: Decimal | None = None
    if raw is not None:
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise InboundRejected("estimated_value", "expected a number")
        try:
            value = ESTIMATED_VALUE.validate_python(str(raw).strip() if isinstance(raw, str) else raw)
        except ValidationError as error:
            raise InboundRejected("estimated_value", error.errors()[0]["msg"]) from error
    currency = fields.text("currency")
    if currency is not None:
        try:
            currency = currency_code(currency)
        except ValueError as error:
            raise InboundRejected("currency", "is not an ISO 4217 currency code") from error
    elif value is not None:
        currency = DEFAULT_CURRENCY
    return value, currency


def _inbound_fields(detail: Mapping[str, Any]) -> _Fields:
    """The detail's fields; an event naming no tenant or no event id is rejected before anything else."""
    fields = _Fields(detail)
    if not is_partner_id(fields.required_text("partner_id")):
        # A lead no token could ever reach (and a `#` would cut into the table's key layout).
        raise InboundRejected("partner_id", "is not a partner id (letters, digits and . _ : @ -)")
    fields.required_text("event_id")
    return fields


def _build(
    ctx: IngestContext, envelope: _Fields, *, customer: Mapping[str, str | None], **fields: Any
) -> Lead:
    """What every shape shares — ids, times, test flag, country normalisation, contact
    validation, quality and flame — then the lead, built once (no copies on the hot path)."""
    partner_id, event_id = envelope.required_text("partner_id"), envelope.required_text("event_id")
    raw_country = customer.get("country")
    country = country_code(raw_country)
    flags = list(fields.pop("ingest_flags", ()))
    if raw_country and country is None:
        flags.append(f"unknown_country:{raw_country}")
    verdict = ctx.contact.validate(customer.get("email"), customer.get("phone"), country)
    normalised = Customer(**{**customer, "country": country, "email": verdict.email, "phone": verdict.phone})
    quality, reasons = assess_quality(
        normalised,
        verdict.email_validity,
        verdict.phone_validity,
        verdict.email_reason,
        verdict.phone_reason,
        verdict.email_lookalike,
    )
    if raw_country and country is None:
        reasons.append(f"country not recognised: {raw_country}")  # kept as given in ingest_flags
    received = fields["status"] is LeadStatus.RECEIVED
    return Lead(
        lead_id=ctx.lead_id,
        partner_id=partner_id,
        event_id=event_id,
        created_at=ctx.received_at,
        updated_at=ctx.received_at,
        occurred_at=envelope.timestamp("occurred_at"),
        is_test=_is_test(customer, envelope.flag("is_test")),
        customer=normalised,
        email_validity=verdict.email_validity,
        phone_validity=verdict.phone_validity,
        lead_quality=quality,
        quality_reasons=reasons,
        flame=Flame.HOT if fields.get("contact_requested") and received else Flame.NONE,
        ingest_flags=flags,
        **fields,
    )


def parse_marketplace_lead(detail: Mapping[str, Any], ctx: IngestContext) -> Lead:
    fields = _inbound_fields(detail)
    parsed = parse_lead_source(fields.text("LeadSource"))
    resolved = resolve_action(parsed.action, fields.text("ActionCode"))
    flags = [*parsed.flags, *resolved.flags]

    lead_source = parsed.source
    explicit_source = fields.text("lead_source")
    if lead_source is None and explicit_source:
        lead_source = parse_source(explicit_source)
        if lead_source is None:
            flags.append(f"unknown_lead_source:{explicit_source}")

    # The action code decides the call to action; an explicit `call_to_action` refines it
    # (the marketplace sends INS for both purchases and free trials).
    call_to_action = call_to_action_of(resolved.action) if resolved.action else None
    explicit_cta = fields.enum_value("call_to_action", CallToAction)
    if explicit_cta is not None:
        call_to_action = explicit_cta
    do_not_contact = resolved.action is ActionCode.DO_NOT_CONTACT or fields.flag("do_not_contact")
    if resolved.action is None and explicit_cta is None:
        flags.append("no_call_to_action: treated as actionable so a person reviews it")

    informational = do_not_contact or call_to_action in INFORMATIONAL_CALLS_TO_ACTION
    customer = _customer(fields.obj("UserDetails"), marketplace=True)
    return _build(
        ctx,
        fields,
        lead_type=LeadType.OFFER,
        status=LeadStatus.INFORMATIONAL if informational else LeadStatus.RECEIVED,
        lead_source=lead_source,
        call_to_action=call_to_action,
        raw_lead_source=parsed.raw,
        raw_action_code=fields.text("ActionCode"),
        offer=Offer(
            publisher_id=parsed.publisher_id,
            offer_id=parsed.offer_id,
            title=fields.text("OfferTitle"),
        ),
        customer=customer,
        description=fields.text("Description", limit=MAX_TEXT),
        contact_requested=fields.flag("contact_requested") and not do_not_contact,
        do_not_contact=do_not_contact,
        ingest_flags=flags,
    )


def parse_profile_inquiry(detail: Mapping[str, Any], ctx: IngestContext) -> Lead:
    fields = _inbound_fields(detail)
    customer = _customer(fields.obj("customer"), marketplace=False)
    return _build(
        ctx,
        fields,
        lead_type=LeadType.PROFILE,
        status=LeadStatus.RECEIVED,
        lead_source=fields.enum_value("lead_source", LeadSourceKind) or LeadSourceKind.APPSOURCE,
        customer=customer,
        description=fields.text("need", limit=MAX_TEXT),
        contact_requested=fields.flag("contact_requested"),
    )


def parse_qualified_lead(detail: Mapping[str, Any], ctx: IngestContext) -> Lead:
    fields = _inbound_fields(detail)
    lead_type = fields.enum_value("lead_type", LeadType)
    if lead_type is None:
        raise InboundRejected("lead_type", "missing")
    if lead_type not in QUALIFIED_TYPES:
        allowed = ", ".join(sorted(t.value for t in QUALIFIED_TYPES))
        raise InboundRejected("lead_type", f"is not one of {allowed}")
    customer = _customer(fields.obj("customer"), marketplace=False)
    value, currency = _money(fields)
    return _build(
        ctx,
        fields,
        lead_type=lead_type,
        status=LeadStatus.RECEIVED,
        customer=customer,
        notes=fields.text("notes", limit=MAX_TEXT),
        contact_requested=fields.flag("contact_requested"),
        assigned_contact=_person(fields.obj("assigned_contact")),
        referrer=_referrer(fields.obj("referrer")),
        estimated_value=value,
        currency=currency,
        campaign_id=fields.text("campaign_id", limit=200),
    )


_PARSERS = {
    MARKETPLACE_LEAD: parse_marketplace_lead,
    PROFILE_INQUIRY: parse_profile_inquiry,
    QUALIFIED_LEAD: parse_qualified_lead,
}


def parse_inbound(detail_type: str, detail: Any, ctx: IngestContext) -> Lead:
    """One inbound event → one lead, or `InboundRejected` naming what is wrong."""
    parser = _PARSERS.get(detail_type)
    if parser is None:
        raise InboundRejected(
            "detail-type",
            f"{UNKNOWN_DETAIL_TYPE}: not one of {', '.join(INBOUND_DETAIL_TYPES)}",
        )
    if not isinstance(detail, Mapping):
        raise InboundRejected("detail", f"expected an object, got {type(detail).__name__}")
    return parser(detail, ctx)
