"""The canonical lead and its vocabularies (SPEC §2–§4). Pure: no AWS here."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, computed_field

# Money is exact in storage and a plain JSON number on the wire.
Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class LeadType(StrEnum):
    OFFER = "offer"
    PROFILE = "profile"
    MARKETING_QUALIFIED = "marketing_qualified"
    SALES_QUALIFIED = "sales_qualified"
    JOINT_PLANNING = "joint_planning"
    SHARED_MARKETING = "shared_marketing"


QUALIFIED_TYPES = frozenset(
    {
        LeadType.MARKETING_QUALIFIED,
        LeadType.SALES_QUALIFIED,
        LeadType.JOINT_PLANNING,
        LeadType.SHARED_MARKETING,
    }
)


class Tab(StrEnum):
    MARKETPLACE = "marketplace"
    QUALIFIED = "qualified"
    FAVORITES = "favorites"


def tab_of(lead_type: LeadType) -> Tab:
    """The home tab of a lead type (favorites is a view across both)."""
    return Tab.QUALIFIED if lead_type in QUALIFIED_TYPES else Tab.MARKETPLACE


class LeadSourceKind(StrEnum):
    APPSOURCE = "appsource"
    AZURE_MARKETPLACE = "azure_marketplace"
    AZURE_PORTAL = "azure_portal"
    POWER_BI = "power_bi"


class CallToAction(StrEnum):
    CONTACT_ME = "contact_me"
    GET_IT_NOW = "get_it_now"
    FREE_TRIAL = "free_trial"
    TEST_DRIVE = "test_drive"
    CREATE = "create"


INFORMATIONAL_CALLS_TO_ACTION = frozenset(
    {CallToAction.GET_IT_NOW, CallToAction.FREE_TRIAL, CallToAction.TEST_DRIVE, CallToAction.CREATE}
)


class LeadStatus(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    ARCHIVED = "archived"
    INFORMATIONAL = "informational"


class Outcome(StrEnum):
    WON = "won"
    LOST = "lost"
    CONVERTED = "converted"
    DECLINED = "declined"
    EXPIRED = "expired"
    ERROR = "error"
    AGED_OUT = "aged_out"


class EmailValidity(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    SPAM = "spam"
    UNKNOWN = "unknown"


class PhoneValidity(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNKNOWN = "unknown"


class LeadQuality(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Flame(StrEnum):
    HOT = "hot"
    COOLING = "cooling"
    NONE = "none"


class Customer(BaseModel):
    """The person behind the lead, as normalised on ingest."""

    model_config = ConfigDict(extra="forbid")

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2")
    company: str | None = None
    title: str | None = None


class Offer(BaseModel):
    """The marketplace offer a lead came from (`publisher.offer`)."""

    publisher_id: str | None = None
    offer_id: str | None = None
    title: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str | None:
        if not self.publisher_id and not self.offer_id:
            return None
        return f"{self.publisher_id or ''}.{self.offer_id or ''}"


class Person(BaseModel):
    """A contact the operator put on a lead (assigned contact, referrer)."""

    name: str | None = None
    email: str | None = None


class Referrer(Person):
    kind: str = Field(description="`operator` or `partner`")


class Touchpoints(BaseModel):
    """Repeats of the same customer folded into this lead (SPEC §8)."""

    count: int = 1
    last_seen_at: datetime


class Lead(BaseModel):
    """The canonical lead: every producer shape is mapped onto this."""

    model_config = ConfigDict(use_enum_values=False)

    lead_id: str
    partner_id: str
    event_id: str
    lead_type: LeadType
    status: LeadStatus
    outcome: Outcome | None = None
    created_at: datetime = Field(description="When LeadDesk received the lead (UTC)")
    occurred_at: datetime | None = Field(default=None, description="When the producer says it happened")
    updated_at: datetime
    lead_source: LeadSourceKind | None = None
    call_to_action: CallToAction | None = None
    raw_lead_source: str | None = Field(
        default=None, description="The producer's LeadSource string, verbatim"
    )
    raw_action_code: str | None = None
    offer: Offer | None = None
    customer: Customer = Field(default_factory=Customer)
    description: str | None = Field(default=None, description="The customer's message or need")
    notes: str | None = None
    contact_requested: bool = False
    flame: Flame = Flame.NONE
    do_not_contact: bool = False
    is_test: bool = False
    email_validity: EmailValidity = EmailValidity.UNKNOWN
    phone_validity: PhoneValidity = PhoneValidity.UNKNOWN
    lead_quality: LeadQuality = LeadQuality.MEDIUM
    quality_reasons: list[str] = Field(default_factory=list)
    ingest_flags: list[str] = Field(
        default_factory=list, description="What ingest could not map (unknown source/action...), verbatim"
    )
    assigned_contact: Person | None = None
    referrer: Referrer | None = None
    estimated_value: Money | None = None
    currency: str | None = None
    campaign_id: str | None = None
    favorite: bool = False
    touchpoints: Touchpoints | None = None
    version: int = 1

    @computed_field  # type: ignore[prop-decorator]
    @property
    def tab(self) -> Tab:
        return tab_of(self.lead_type)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def etag(self) -> str:
        return f'"{self.lead_id}.{self.version}"'
