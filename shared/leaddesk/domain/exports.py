"""The export file and the export job (docs/product.md#export). Pure: the rows, not the upload.

One row per lead, in the list's order, with a header; an expired lead's contact columns are
empty (the same rule as the API, `views.visible_customer`); every cell a spreadsheet would run
as a formula is neutralised (a leading `'`), following OWASP's guidance on CSV injection.

Two profiles: `spreadsheet` (the default) neutralises every cell that starts like a formula;
`crm`, for a CRM's importer, adds the customer's message, the notes, the team, the referrer and
the touchpoint count, and leaves alone what cannot run — a plain number or an E.164 phone
(`+14255550128`) — so a CRM imports the phone as stored.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from leaddesk.domain.list_filters import FILTERS_BY_NAME, LIST_FILTERS, Match
from leaddesk.domain.listing import LeadFilter
from leaddesk.domain.models import Lead
from leaddesk.domain.views import visible_customer

# A cell starting with one of these is read as a formula (or a DDE command) by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters a spreadsheet may drop or look through before the first one it reads: zero-width
# and format characters, the byte order mark, spaces. `\u200b=1+1` runs as `=1+1` in some.
_IGNORED_LEADING = re.compile(r"^[\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]+")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class ExportProfile(StrEnum):
    SPREADSHEET = "spreadsheet"
    CRM = "crm"


def starts_like_a_formula(cell: str) -> bool:
    """Whether a spreadsheet could read the cell as a formula: its first character, after any
    invisible or blank ones and as its compatibility form (full-width `＝＋－＠` count as `=+-@`),
    starts a formula — or the cell itself starts with a tab or carriage return."""
    if cell.startswith(FORMULA_STARTS):
        return True
    visible = _IGNORED_LEADING.sub("", cell)
    if not visible:
        return False
    return unicodedata.normalize("NFKC", visible[0]).startswith(FORMULA_STARTS) or (
        visible != cell and visible.startswith(FORMULA_STARTS)
    )


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet shows, never runs."""
    return f"'{cell}" if starts_like_a_formula(cell) else cell


def neutralise_for_crm(cell: str) -> str:
    """Neutralised only if it could run: a plain number or an E.164 phone cannot, and a CRM
    imports them as they are."""
    if _PLAIN_NUMBER.match(cell) or _E164.match(cell):
        return cell
    return neutralise(cell)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value.value if isinstance(value, StrEnum) else value)


HEADER = [
    "LeadId",
    "LeadCreationDateTime",
    "LeadType",
    "LeadSource",
    "CallToAction",
    "Offer",
    "CustomerCompany",
    "FirstName",
    "LastName",
    "Title",
    "Email",
    "EmailValidity",
    "Phone",
    "PhoneValidity",
    "Country",
    "LeadQuality",
    "Status",
    "Outcome",
    "DealName",
    "EstimatedValue",
    "Currency",
    "EstimatedCloseDate",
    "CrmId",
    "CampaignId",
    "Favorite",
    "DoNotContact",
]


CRM_HEADER = [
    *HEADER,
    "Description",
    "Notes",
    "DealNotes",
    "Team",
    "ReferrerKind",
    "ReferrerName",
    "ReferrerEmail",
    "TouchpointCount",
]


def header(profile: ExportProfile) -> list[str]:
    return CRM_HEADER if profile is ExportProfile.CRM else HEADER


def row(lead: Lead, profile: ExportProfile = ExportProfile.SPREADSHEET) -> list[str]:
    """The lead's cells, in the order of the profile's header."""
    values = _values(lead)
    if profile is ExportProfile.SPREADSHEET:
        return [neutralise(_text(value)) for value in values]
    team = "; ".join(
        " ".join(part for part in (m.name, f"<{m.email}>", m.phone or "") if part) for m in lead.team
    )
    referrer = lead.referrer
    extra = (
        lead.description,
        lead.notes,
        lead.deal_notes,
        team,
        referrer.kind if referrer else None,
        referrer.name if referrer else None,
        referrer.email if referrer else None,
        lead.touchpoints.count if lead.touchpoints else 1,
    )
    return [neutralise_for_crm(_text(value)) for value in (*values, *extra)]


def _values(lead: Lead) -> tuple[object, ...]:
    customer = visible_customer(lead)
    values = (
        lead.lead_id,
        lead.created_at,
        lead.lead_type,
        lead.lead_source,
        lead.call_to_action,
        lead.offer.key if lead.offer else None,
        customer.company,
        customer.first_name,
        customer.last_name,
        customer.title,
        customer.email,
        lead.email_validity,
        customer.phone,
        lead.phone_validity,
        customer.country,
        lead.lead_quality,
        lead.status,
        lead.outcome,
        lead.deal_name,
        lead.estimated_value,
        lead.currency,
        lead.estimated_close_date,
        lead.crm_id,
        lead.campaign_id,
        lead.favorite,
        lead.do_not_contact,
    )
    return values


# --- the job ----------------------------------------------------------------------------------------
class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ExportRequest(LeadFilter):
    """`POST /exports`: the list's tab, filters and sort (the same model, the same rules). In a JSON
    body a filter's values are an array and a flag is a boolean: the query string's comma
    separation and its "true" text are the list's transport, not the rule."""

    bom: bool = Field(
        default=False, description="Start the file with a UTF-8 byte order mark (for spreadsheets)"
    )
    profile: ExportProfile = Field(
        default=ExportProfile.SPREADSHEET,
        description=(
            "`spreadsheet`: the list's columns, every formula-like cell neutralised; `crm`: for a CRM's "
            "importer, plus the customer's message, notes, team, referrer and touchpoint count, phones "
            "in E.164 as stored, and only cells that could run as a formula neutralised"
        ),
    )

    @field_validator(*(spec.name for spec in LIST_FILTERS), mode="before")
    @classmethod
    def _an_array(cls, values: object, info: ValidationInfo) -> object:
        if values is None:
            return None
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            raise ValueError('the values are a JSON array of strings, e.g. ["US", "DE"]')
        # A code or a vocabulary's value never holds a comma: it joins two values in one item.
        free_text = FILTERS_BY_NAME[str(info.field_name)].match is Match.CONTAINS
        if not free_text and any("," in value for value in values):
            raise ValueError('one value per array item, e.g. ["received", "accepted"]')
        return values

    @field_validator("include_test", "bom", mode="before")
    @classmethod
    def _a_boolean(cls, value: object) -> object:
        if not isinstance(value, bool):
            raise ValueError("true or false")
        return value


class ExportJob(BaseModel):
    """An export as it is stored: what was asked, how far it got, and where its file is."""

    export_id: str
    partner_id: str
    requested_by: str
    requester_email: str | None = None
    request: ExportRequest
    status: ExportStatus = ExportStatus.QUEUED
    rows: int = 0
    expected_rows: int | None = None
    reason: str | None = None
    attempt: int = Field(default=0, description="Which run writes the file (a redelivered start begins anew)")
    object_key: str | None = Field(default=None, description="The file of the current attempt")
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None


class ExportView(BaseModel):
    """An export as the API shows it; `download_url` (valid a few minutes) once it succeeded."""

    export_id: str
    status: ExportStatus
    rows: int = Field(description="Rows written so far (all of them once it succeeded)")
    expected_rows: int | None = Field(
        default=None,
        description="How many rows the file will have, when known at the start (a tab, optionally by status)",
    )
    progress: float | None = Field(
        default=None, ge=0, le=1, description="Share of the rows written (1 once it succeeded), when known"
    )
    reason: str | None = Field(default=None, description="Why it failed")
    request: ExportRequest = Field(description="What was asked")
    created_at: datetime
    finished_at: datetime | None = None
    download_url: str | None = None
    download_expires_at: datetime | None = None


class ExportList(BaseModel):
    items: list[ExportView]


def object_key(partner_id: str, export_id: str, attempt: int) -> str:
    """Every partner's files under its own prefix (what the worker's role may write); one file per
    attempt, so a stale attempt can never overwrite the file of the one that won."""
    return f"exports/{partner_id}/{export_id}/{attempt}.csv"
