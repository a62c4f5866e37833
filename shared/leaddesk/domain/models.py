"""The canonical lead and its vocabularies (docs/product.md). Pure: no AWS here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    computed_field,
)

from leaddesk.domain.money import unsigned_zero
from leaddesk.domain.text import ADDRESS_PATTERN, VISIBLE_PATTERN, clean_text

# Money is exact in storage and a plain JSON number on the wire; never a signed zero (a lead
# stored before the entry rule said so is read as 0).
Money = Annotated[
    Decimal, AfterValidator(unsigned_zero), PlainSerializer(float, return_type=float, when_used="json")
]


def _cleaned_lines(value: str) -> str:
    return clean_text(value, multiline=True)


# Text a person sent, normalised (docs/ingest.md, "Text") once its bounds held on what was sent —
# the constraints stand before the normaliser, so they apply to the text as sent (optional fields
# too) and are what the OpenAPI document states; a required text must hold a visible character.
VISIBLE = VISIBLE_PATTERN
Text = Annotated[str, AfterValidator(clean_text)]
ShortText = Annotated[str, StringConstraints(max_length=200), AfterValidator(clean_text)]
RequiredText = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=VISIBLE), AfterValidator(clean_text)
]
NoteText = Annotated[str, StringConstraints(max_length=4000), AfterValidator(_cleaned_lines)]
PhoneText = Annotated[str, StringConstraints(max_length=40), AfterValidator(clean_text)]


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
    """Repeats of the same customer folded into this lead (same email, offer and action within 24 h)."""

    count: int = 1
    last_seen_at: datetime


# --- lifecycle vocabularies and records (docs/product.md#lifecycle) ---------------------------
class CloseReason(StrEnum):
    """Why a lead was declined or lost."""

    BUDGET_NOT_ADEQUATE = "budget_not_adequate"
    CUSTOMER_DID_NOT_RESPOND = "customer_did_not_respond"
    CUSTOMER_CHOSE_ANOTHER_VENDOR = "customer_chose_another_vendor"
    REQUIREMENT_NOT_MET = "requirement_not_met"
    NOT_A_CUSTOMER = "not_a_customer"
    TIMELINE_TOO_SHORT = "timeline_too_short"
    ABUSE_SPAM_OR_PHISHING = "abuse_spam_or_phishing"
    OTHER = "other"


class ErrorReason(StrEnum):
    """Why a lead was closed as an error (not counted as declined or lost)."""

    DUPLICATE = "duplicate"
    TEST_LEAD = "test_lead"
    DATA_ERROR = "data_error"
    OTHER = "other"


class Budget(StrEnum):
    NO_COMMITTED_BUDGET = "no_committed_budget"
    MAY_BUY = "may_buy"
    CAN_BUY = "can_buy"
    WILL_BUY = "will_buy"


class Need(StrEnum):
    MUST_HAVE = "must_have"
    SHOULD_HAVE = "should_have"
    GOOD_TO_HAVE = "good_to_have"
    NO_NEED = "no_need"


class Timeline(StrEnum):
    IMMEDIATE = "immediate"
    THIS_QUARTER = "this_quarter"
    NEXT_QUARTER = "next_quarter"
    THIS_YEAR = "this_year"
    UNKNOWN = "unknown"


class TeamMember(BaseModel):
    """A person of the partner working the deal."""

    model_config = ConfigDict(extra="forbid")

    name: RequiredText
    email: str = Field(min_length=3, max_length=320, pattern=ADDRESS_PATTERN)
    phone: PhoneText | None = None


class Qualification(BaseModel):
    """The qualify sub-step: did the customer respond?"""

    customer_responded: bool
    notes: str | None = None
    recorded_at: datetime


class Evaluation(BaseModel):
    """The evaluate sub-step (BANT); complete once all four are recorded."""

    budget: Budget | None = None
    authority: bool | None = Field(default=None, description="Decision maker identified")
    need: Need | None = None
    timeline: Timeline | None = None
    notes: str | None = None
    recorded_at: datetime

    @property
    def complete(self) -> bool:
        return None not in (self.budget, self.authority, self.need, self.timeline)


class Closure(BaseModel):
    """How an archived lead was closed by a person (decline, lost, close as error)."""

    reason: CloseReason | None = None
    error_reason: ErrorReason | None = None
    notes: str | None = None


class FieldChange(BaseModel):
    field: str
    old: Any = Field(default=None, alias="from")
    new: Any = Field(default=None, alias="to")

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class HistoryEntry(BaseModel):
    """One change of a lead: who, when, what, from → to."""

    at: datetime
    actor: str = Field(description="The person (token subject) or `system` for timed rules")
    actor_name: str | None = Field(
        default=None, description="The person's name or email, when their identity token carries one"
    )
    action: str
    from_status: LeadStatus
    to_status: LeadStatus
    from_outcome: Outcome | None = None
    to_outcome: Outcome | None = None
    changes: list[FieldChange] = Field(default_factory=list)
    notes: str | None = None


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
    # --- worked by the partner (docs/product.md#lifecycle) ---
    deal_name: str | None = None
    estimated_close_date: date | None = None
    deal_notes: str | None = None
    crm_id: str | None = None
    team: list[TeamMember] = Field(default_factory=list)
    qualification: Qualification | None = None
    evaluation: Evaluation | None = None
    opportunity_id: str | None = Field(default=None, description="Recorded by convert")
    closure: Closure | None = None
    expiry_reminded_at: datetime | None = Field(
        default=None, description="When the 'expiring soon' reminder went out"
    )
    history: list[HistoryEntry] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def tab(self) -> Tab:
        return tab_of(self.lead_type)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def etag(self) -> str:
        return f'"{self.lead_id}.{self.version}"'
