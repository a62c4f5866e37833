"""The event contract: the EventBridge envelope and every event LeadDesk publishes (source `leaddesk`).

One model per detail-type, used by the producers (ingest, the leads API, the sweep, the export
worker) to build the event and by the consumers (the notifier, the republish function) to read
it; the JSON Schema of each is generated from these models into docs/events/ (docs/events.md).

Versioning: every detail carries `schema_version`. An additive change (a new optional field, a
new event type) keeps the version; a breaking one (a field removed, renamed or retyped) bumps it,
and consumers refuse a version they do not know. Contact details of the customer (email, phone,
names) never travel on the bus: a subscriber that needs them reads the lead by id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from leaddesk.domain.lifecycle import Action
from leaddesk.domain.models import (
    CallToAction,
    Flame,
    LeadQuality,
    LeadSourceKind,
    LeadStatus,
    LeadType,
    Outcome,
    Person,
    Referrer,
    Tab,
)

SOURCE = "leaddesk"  # the envelope's `source` of every event LeadDesk publishes

# Timestamps travel as `datetime.isoformat()` ("2026-12-01T10:00:00+00:00"), as they always have.
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda moment: moment.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
PartnerId = Annotated[str, Field(min_length=1, max_length=200)]
LeadId = Annotated[str, Field(min_length=1, max_length=64)]


class Envelope(BaseModel):
    """An EventBridge event as a rule's SQS target receives it: the whole envelope is the body.

    The same model reads the producers' inbound events (whose details `domain.inbound` maps)
    and LeadDesk's own (whose details the models below read). `detail` stays untyped here:
    which model reads it depends on `detail-type`.
    """

    model_config = ConfigDict(populate_by_name=True, extra="ignore", defer_build=True)

    version: str | None = None
    id: str | None = None
    detail_type: str = Field(alias="detail-type")
    source: str | None = None
    account: str | None = None
    time: Timestamp | None = None
    region: str | None = None
    resources: list[str] = Field(default_factory=list)
    detail: Any = None


class EventDetail(BaseModel):
    """What every LeadDesk event's detail carries. Consumers ignore fields they do not know
    (an additive change keeps the version)."""

    # The schema says what subscribers receive: every field, defaults included. Each model's
    # validator is built on its first use, not at import (a function uses few of them).
    model_config = ConfigDict(
        extra="ignore", frozen=True, json_schema_serialization_defaults_required=True, defer_build=True
    )

    detail_type: ClassVar[str]
    schema_version: Literal[1] = 1
    partner_id: PartnerId


# --- lead events ---------------------------------------------------------------------------------
class LeadDetail(EventDetail):
    """The lead's state after the change: what a subscriber needs to act, no customer contact."""

    lead_id: LeadId
    event_id: str = Field(description="The producer's event id the lead came from")
    lead_type: LeadType
    tab: Tab
    status: LeadStatus
    outcome: Outcome | None = None
    lead_source: LeadSourceKind | None = None
    call_to_action: CallToAction | None = None
    flame: Flame
    contact_requested: bool
    do_not_contact: bool
    is_test: bool
    lead_quality: LeadQuality
    country: str | None = Field(default=None, description="The customer's country (ISO 3166-1 alpha-2)")
    company: str | None = Field(default=None, description="The customer's company")
    assigned_contact: Person | None = Field(
        default=None, description="The operator's contact on the lead (not the customer)"
    )
    referrer: Referrer | None = Field(default=None, description="Who referred the lead (not the customer)")
    created_at: Timestamp
    version: int = Field(description="The lead's version after the change")


class LeadReceived(LeadDetail):
    """A new lead was stored (ingest)."""

    detail_type = "lead.received"


class LeadChanged(LeadDetail):
    """A lifecycle change: who did what, and the state the lead came from."""

    action: Action
    actor: str = Field(description="The user who acted, or `system` for a timed rule")
    from_status: LeadStatus
    from_outcome: Outcome | None = None


class LeadAccepted(LeadChanged):
    """A partner accepted a received lead (the deal is recorded)."""

    detail_type = "lead.accepted"
    action: Literal[Action.ACCEPT]


class LeadDeclined(LeadChanged):
    """A partner declined a received lead (the customer is told to choose another partner)."""

    detail_type = "lead.declined"
    action: Literal[Action.DECLINE]


class LeadEdited(LeadChanged):
    """A partner edited an accepted lead's deal."""

    detail_type = "lead.edited"
    action: Literal[Action.EDIT]


class LeadQualified(LeadChanged):
    """A partner recorded whether the customer responded."""

    detail_type = "lead.qualified"
    action: Literal[Action.QUALIFY]


class LeadEvaluated(LeadChanged):
    """A partner recorded budget, authority, need and timeline."""

    detail_type = "lead.evaluated"
    action: Literal[Action.EVALUATE]
    complete: bool = Field(description="Whether budget, authority, need and timeline are all recorded")


class LeadWon(LeadChanged):
    """A partner closed an accepted lead as won."""

    detail_type = "lead.won"
    action: Literal[Action.WON]


class LeadLost(LeadChanged):
    """A partner closed an accepted lead as lost."""

    detail_type = "lead.lost"
    action: Literal[Action.LOST]


class LeadConverted(LeadChanged):
    """A partner converted an accepted lead into an opportunity."""

    detail_type = "lead.converted"
    action: Literal[Action.CONVERT]
    opportunity_id: str | None = None


class LeadArchived(LeadChanged):
    """Closed as an error by a person, or an informational lead archived after 6 months."""

    detail_type = "lead.archived"
    action: Literal[Action.CLOSE_AS_ERROR, Action.AGE_OUT]


class LeadExpired(LeadChanged):
    """Nobody answered a received lead within the expiry period (the referrer is told)."""

    detail_type = "lead.expired"
    action: Literal[Action.EXPIRE]
    notify: Literal["referrer"] = Field(default="referrer", description="Who is told: the referrer")


class LeadExpiringSoon(LeadChanged):
    """A received lead expires in two days (the partner is reminded)."""

    detail_type = "lead.expiring_soon"
    action: Literal[Action.REMIND_EXPIRY]
    expires_at: Timestamp


class LeadFlameCooled(LeadChanged):
    """A flame lead nobody answered within 72 hours cools down."""

    detail_type = "lead.flame_cooled"
    action: Literal[Action.COOL_FLAME]


class LeadsExpiringSoon(EventDetail):
    """The leads of one partner one sweep run reminded of (each also has its `lead.expiring_soon`):
    their recipients get one email each for the run, listing their leads."""

    detail_type = "leads.expiring_soon"
    run_at: Timestamp = Field(description="The sweep run's time (its scheduled event's)")
    lead_ids: list[LeadId] = Field(min_length=1, max_length=5000)


# --- export events ---------------------------------------------------------------------------------
class ExportDetail(EventDetail):
    """An export job's end; `requester_email` is the partner's user who asked (the notifier writes to it)."""

    export_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    requested_by: str | None = None
    requester_email: str | None = None


class ExportCompleted(ExportDetail):
    """An export's file is written (the requester is emailed a link)."""

    detail_type = "export.completed"
    row_count: int = Field(ge=0)
    completed_at: Timestamp | None = None


class ExportFailed(ExportDetail):
    """An export failed for good (the requester is told why)."""

    detail_type = "export.failed"
    reason: str = Field(max_length=1000)


# --- CRM push events --------------------------------------------------------------------------------
class WebhookDisabled(EventDetail):
    """LeadDesk disabled a partner's webhook endpoint whose deliveries all failed for 5 days (the
    partner's referral admins are told)."""

    detail_type = "webhook.disabled"
    endpoint_id: str = Field(min_length=1, max_length=64)
    url: str = Field(max_length=2000)
    failing_since: Timestamp
    disabled_at: Timestamp


EVENT_MODELS: dict[str, type[EventDetail]] = {
    model.detail_type: model
    for model in (
        LeadReceived,
        LeadAccepted,
        LeadDeclined,
        LeadEdited,
        LeadQualified,
        LeadEvaluated,
        LeadWon,
        LeadLost,
        LeadConverted,
        LeadArchived,
        LeadExpired,
        LeadExpiringSoon,
        LeadFlameCooled,
        LeadsExpiringSoon,
        ExportCompleted,
        ExportFailed,
        WebhookDisabled,
    )
}
CHANGE_MODELS: dict[str, type[LeadChanged]] = {
    name: model for name, model in EVENT_MODELS.items() if issubclass(model, LeadChanged)
}


class UnknownEvent(ValueError):
    """A detail-type the contract does not define."""

    def __init__(self, detail_type: str) -> None:
        super().__init__(f"{detail_type!r} is not a LeadDesk event")
        self.detail_type = detail_type


def parse_detail(detail_type: str, detail: Any) -> EventDetail:
    """The typed detail of a LeadDesk event; UnknownEvent or pydantic's ValidationError if it is none."""
    model = EVENT_MODELS.get(detail_type)
    if model is None:
        raise UnknownEvent(detail_type)
    return model.model_validate(detail)


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of the envelope and of each event's detail, by file name (docs/events/)."""
    envelope = "The EventBridge envelope of every event; `detail` follows the event's own schema."
    schemas: dict[str, dict[str, Any]] = {"envelope.json": _schema(Envelope, "envelope", envelope)}
    for detail_type, model in EVENT_MODELS.items():
        schemas[f"{detail_type}.json"] = _schema(model, detail_type, model.__doc__ or detail_type)
    return schemas


def _schema(model: type[BaseModel], name: str, description: str) -> dict[str, Any]:
    """What subscribers receive (serialization mode: every field, defaults included), self-contained."""
    schema = model.model_json_schema(mode="serialization")
    schema.pop("title", None)
    schema.pop("description", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": name,
        "description": " ".join(description.split("\n\n", maxsplit=1)[0].split()),
        **schema,
    }
