"""What the API shows of a lead. Expired leads no longer show the customer's contact details."""

from __future__ import annotations

from pydantic import BaseModel, Field

from leaddesk.domain.models import Customer, Lead, Outcome


class LeadView(Lead):
    """A lead as the API returns it (contact details hidden once the lead expired)."""


class LeadPage(BaseModel):
    items: list[LeadView]
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page")


def present(lead: Lead) -> LeadView:
    data = lead.model_dump(exclude={"tab", "etag"})
    if lead.outcome is Outcome.EXPIRED:
        data["customer"] = Customer(country=lead.customer.country, company=lead.customer.company)
    return LeadView.model_validate(data)
