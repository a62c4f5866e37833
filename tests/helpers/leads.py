"""Building leads for tests: canonical `Lead` objects, and storing them as the store writes them."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from ulid import ULID

from leaddesk.adapters.batching import chunked
from leaddesk.adapters.dynamo.index_entries import entry_items
from leaddesk.adapters.dynamo.items import ItemPolicy, lead_to_item
from leaddesk.domain.models import (
    CallToAction,
    Customer,
    EmailValidity,
    Flame,
    Lead,
    LeadQuality,
    LeadSourceKind,
    LeadStatus,
    LeadType,
    Outcome,
    PhoneValidity,
)
from leaddesk_local.provision import client
from tests.helpers.tenants import or_current

DEFAULT_POLICY = ItemPolicy()
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def make_lead(
    partner: str | None = None,
    created_at: datetime = T0,
    lead_type: LeadType = LeadType.OFFER,
    status: LeadStatus = LeadStatus.RECEIVED,
    contact_requested: bool = False,
    company: str | None = "Contoso",
    country: str | None = "US",
    **fields: Any,
) -> Lead:
    """A canonical lead of `partner` (by default the test's own) received at `created_at`."""
    lead_id = str(ULID.from_datetime(created_at))
    marketplace = lead_type in (LeadType.OFFER, LeadType.PROFILE)
    data: dict[str, Any] = {
        "lead_id": lead_id,
        "partner_id": or_current(partner),
        "event_id": f"ev-{lead_id}",
        "lead_type": lead_type,
        "status": status,
        "created_at": created_at,
        "updated_at": created_at,
        "customer": Customer(
            first_name="Ada", last_name="Lovelace", email="ada@contoso.com", company=company, country=country
        ),
        "contact_requested": contact_requested,
        "flame": Flame.HOT if contact_requested and status is LeadStatus.RECEIVED else Flame.NONE,
        "lead_source": LeadSourceKind.APPSOURCE if marketplace else None,
        "call_to_action": CallToAction.CONTACT_ME if lead_type is LeadType.OFFER else None,
        "email_validity": EmailValidity.VALID,
        "phone_validity": PhoneValidity.UNKNOWN,
        "lead_quality": LeadQuality.MEDIUM,
    }
    data.update(fields)
    return Lead.model_validate(data)


def put_leads(
    leads: Iterable[Lead], table: str, endpoint_url: str | None = None, policy: ItemPolicy = DEFAULT_POLICY
) -> None:
    """BatchWriteItem of the items `lead_to_item` builds and of their index entries (what ingest
    stores)."""
    db = client("dynamodb", endpoint_url)
    items = (item for lead in leads for item in (lead_to_item(lead, policy), *entry_items(lead).values()))
    for chunk in chunked(items, 25):
        _write(db, table, [{"PutRequest": {"Item": item}} for item in chunk])


def _write(db: Any, table: str, batch: list[dict[str, Any]]) -> None:
    pending = {table: batch}
    while pending:
        answer = db.batch_write_item(RequestItems=pending)
        pending = answer.get("UnprocessedItems") or {}


def spaced(count: int, start: datetime = T0, step: timedelta = timedelta(minutes=1)) -> list[datetime]:
    return [start + step * i for i in range(count)]


ACCEPT_BODY = {
    "deal_name": "Contoso CRM rollout",
    "estimated_value": 12000,
    "currency": "EUR",
    "estimated_close_date": "2027-03-31",
    "notes": "Call on Monday",
    "team": [{"name": "Bo", "email": "bo@partner.example"}],
}
VALUE = Decimal("12000")


COUNTRIES = ["US", "DE", "HU", "FR", None]
COMPANIES = [
    "Contoso",
    "Fabrikam Ltd",
    "Northwind Traders",
    "contoso east",
    "Tailspin",
    None,
    "Société Générale S.A.",
    "ÅNGSTRÖM-Łódź Kft.",
]


def random_leads(count: int, seed: int = 7, partner: str | None = None) -> list[Lead]:
    rng = random.Random(seed)
    leads = []
    for i in range(count):
        lead_type = rng.choice(list(LeadType))
        status = rng.choice(list(LeadStatus))
        leads.append(
            make_lead(
                partner=partner,
                created_at=T0 + timedelta(minutes=7 * i, milliseconds=rng.randint(0, 999)),
                lead_type=lead_type,
                status=status,
                outcome=Outcome.EXPIRED if status is LeadStatus.ARCHIVED and rng.random() < 0.3 else None,
                company=rng.choice(COMPANIES),
                country=rng.choice(COUNTRIES),
                lead_source=rng.choice([*LeadSourceKind, None])
                if lead_type in ("offer", "profile")
                else None,
                call_to_action=rng.choice(list(CallToAction)) if lead_type == "offer" else None,
                email_validity=rng.choice(list(EmailValidity)),
                phone_validity=rng.choice(list(PhoneValidity)),
                lead_quality=rng.choice(list(LeadQuality)),
                estimated_value=rng.choice([None, Decimal(rng.randint(0, 50000)), Decimal("99.5")]),
                is_test=rng.random() < 0.1,
                favorite=rng.random() < 0.25,
            )
        )
    return leads
