"""The export file's rows: columns, contact details of expired leads, formula neutralisation."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from leaddesk.domain.exports import HEADER, neutralise, row
from leaddesk.domain.models import Customer, LeadStatus, Offer, Outcome
from tests.helpers.leads import make_lead


def cells(**fields: object) -> dict[str, str]:
    return dict(zip(HEADER, row(make_lead(**fields)), strict=True))


def test_every_column_of_the_file_in_order() -> None:
    assert HEADER[:2] == ["LeadId", "LeadCreationDateTime"]
    for name in ("EmailValidity", "PhoneValidity", "Offer", "Favorite", "DoNotContact", "Outcome", "CrmId"):
        assert name in HEADER
    lead = make_lead(
        offer=Offer(publisher_id="contoso", offer_id="crm", title="Contoso CRM"),
        estimated_value=Decimal("1200.50"),
        currency="EUR",
    )
    got = dict(zip(HEADER, row(lead), strict=True))
    assert got["LeadId"] == lead.lead_id
    assert got["LeadCreationDateTime"] == "2026-11-01T09:00:00Z"
    assert got["LeadType"] == "offer"
    assert got["Offer"] == "contoso.crm"
    assert got["Email"] == "ada@contoso.com"
    assert got["EmailValidity"] == "valid"
    assert got["EstimatedValue"] == "1200.50"
    assert got["Currency"] == "EUR"
    assert got["Favorite"] == "false"
    assert got["DoNotContact"] == "false"
    assert got["Outcome"] == ""


def test_an_expired_lead_has_no_contact_details() -> None:
    got = cells(status=LeadStatus.ARCHIVED, outcome=Outcome.EXPIRED)
    for column in ("FirstName", "LastName", "Title", "Email", "Phone"):
        assert got[column] == "", column
    assert got["CustomerCompany"] == "Contoso"  # who it was is still shown, not how to reach them
    assert got["Outcome"] == "expired"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_is_neutralised(start: str) -> None:
    formula = f'{start}HYPERLINK("http://evil.example")'
    assert neutralise(formula) == "'" + formula
    got = cells(customer=Customer(first_name=formula, company=f"{start}1+1", email="ada@contoso.com"))
    assert got["FirstName"].startswith("'") and got["CustomerCompany"] == f"'{start}1+1"


def test_ordinary_text_is_kept_as_it_is() -> None:
    for text in ("Contoso", "O'Brien", "1+1", "a=b", "", "Zoë — Ünal"):
        assert neutralise(text) == text


def test_quotes_commas_and_line_breaks_survive_rfc_4180_quoting() -> None:
    company = 'Contoso, "the" company\nsecond line'
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(row(make_lead(company=company)))
    (parsed,) = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert parsed[HEADER.index("CustomerCompany")] == company
