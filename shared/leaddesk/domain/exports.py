"""The export file and the export job (docs/product.md#export). Pure: the rows, not the upload.

One row per lead, in the list's order, with a header; an expired lead's contact columns are
empty (the same rule as the API, `views.visible_customer`); every cell a spreadsheet would run
as a formula is neutralised (a leading `'`), following OWASP's guidance on CSV injection.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from leaddesk.domain.list_filters import FILTERS_BY_NAME, LIST_FILTERS, Match
from leaddesk.domain.listing import LeadFilter
from leaddesk.domain.models import Lead
from leaddesk.domain.views import visible_customer

# A cell starting with one of these is read as a formula (or a DDE command) by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet shows, never runs."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


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


def row(lead: Lead) -> list[str]:
    """The lead's cells, in the order of HEADER."""
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
    return [neutralise(_text(value)) for value in values]


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
