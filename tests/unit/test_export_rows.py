"""The export file's rows: columns, contact details of expired leads, formula neutralisation."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from leaddesk.domain.exports import CRM_HEADER, HEADER, ExportProfile, neutralise, neutralise_for_crm, row
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


# --- neutralisation hardening and the CRM profile ---------------------------------------------------
@pytest.mark.parametrize(
    "cell",
    [
        '＝HYPERLINK("http://x.example")',  # full-width equals
        "＋1+1",
        "－1+1",
        "＠SUM(A1)",
        "\u200b=1+1",  # zero-width space before =
        "\u200d\u2060=1+1",
        "\ufeff=1+1",
        " =1+1",
        "\u00a0+1+1",
        "\t=1",
        "\r=1",
    ],
)
def test_formulas_behind_look_alike_or_invisible_characters_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell
    assert neutralise_for_crm(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Contoso", "ada@contoso.com", "a=b", "1+1=2", "", "\u200b", "Ｃontoso"])
def test_text_that_cannot_run_is_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell


def test_the_crm_profile_leaves_numbers_and_e164_phones_as_stored() -> None:
    assert neutralise("+14255550128") == "'+14255550128"  # the spreadsheet profile, as before
    for cell in ("+14255550128", "+442071838750", "-12.50", "42", "+3"):
        assert neutralise_for_crm(cell) == cell
    for cell in ("+1 425 555 0128)", "+1-1", "=1", "-1+2", "+14255550128=1", "@x"):
        assert neutralise_for_crm(cell) == "'" + cell


def test_the_crm_row_adds_message_notes_team_referrer_and_touchpoints() -> None:
    from datetime import UTC, datetime

    from leaddesk.domain.models import Referrer, TeamMember, Touchpoints

    lead = make_lead(
        status=LeadStatus.ACCEPTED,
        customer=Customer(first_name="Ada", email="ada@contoso.com", phone="+14255550128", country="US"),
        description="=cmd|' /C calc'!A0 please call",
        notes="Met at the summit",
        deal_notes="Budget approved",
        team=[
            TeamMember(name="Bo", email="bo@partner.example", phone="+14255550100"),
            TeamMember(name="Cy", email="cy@partner.example"),
        ],
        referrer=Referrer(kind="operator", name="Dee", email="dee@operator.example"),
        touchpoints=Touchpoints(count=3, last_seen_at=datetime(2026, 11, 2, tzinfo=UTC)),
    )
    got = dict(zip(CRM_HEADER, row(lead, ExportProfile.CRM), strict=True))
    assert CRM_HEADER[: len(HEADER)] == HEADER
    assert got["Phone"] == "+14255550128"
    assert got["Description"] == "'=cmd|' /C calc'!A0 please call"
    assert got["Notes"] == "Met at the summit" and got["DealNotes"] == "Budget approved"
    assert got["Team"] == "Bo <bo@partner.example> +14255550100; Cy <cy@partner.example>"
    assert (got["ReferrerKind"], got["ReferrerName"], got["ReferrerEmail"]) == (
        "operator",
        "Dee",
        "dee@operator.example",
    )
    assert got["TouchpointCount"] == "3"
    spreadsheet = dict(zip(HEADER, row(lead), strict=True))
    assert spreadsheet["Phone"] == "'+14255550128"
