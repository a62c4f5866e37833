"""The index entries on moto: the company-name word index and the rare filter values.

Written with a stored lead (ingest, again on a redelivery), moved when the name changes, and
read newest first with cursor paging, reading about one entry and one lead per lead returned.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leaddesk.adapters import aws
from leaddesk.adapters.dynamo.index_entries import entry_items, word_partition
from leaddesk.adapters.dynamo.items import ItemPolicy
from leaddesk.adapters.store import LeadStore
from leaddesk.domain.filters import LeadQuery, matches
from leaddesk.domain.listing import LeadFilter
from leaddesk.domain.models import Customer, Lead, LeadStatus, Tab
from leaddesk.services.ingest import RecordFate
from leaddesk.services.records import QueuedRecord
from leaddesk_local.metering import RequestCounter
from leaddesk_local.provision import Deployment, client
from tests.helpers.ingest import marketplace_lead
from tests.helpers.leads import make_lead, put_leads, spaced
from tests.helpers.services import ingest_service, lead_store
from tests.helpers.tenants import Partners

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
NAMES = ["Fabrikam Inc.", "Société Générale S.A.", "Contoso GmbH", "Fabrikam Fabrics Kft.", "Northwind"]


def query(**params: str) -> LeadQuery:
    return LeadFilter.model_validate(params).to_query()


def entries_in(partition: str, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client("dynamodb", None).query(
        TableName=table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": partition}},
    )["Items"]
    return items


def walk(store: LeadStore, partner: str, wanted: LeadQuery, limit: int) -> tuple[list[str], list[int]]:
    """Every page's lead ids, and the items each page read."""
    ids: list[str] = []
    reads: list[int] = []
    cursor = None
    for _ in range(100):
        page = store.query_leads(partner, wanted, limit, cursor)
        ids += [lead.lead_id for lead in page.leads]
        reads.append(page.items_read)
        cursor = page.cursor
        if cursor is None:
            return ids, reads
    raise AssertionError("pagination never ended")


@pytest.fixture
def named(deployment: Deployment, partners: Partners) -> list[Lead]:
    """60 leads, one a minute, their company names cycling through `NAMES`."""
    leads = [
        make_lead(created_at=at, company=NAMES[n % len(NAMES)], partner=partners.contoso)
        for n, at in enumerate(spaced(60, T0))
    ]
    put_leads(leads, deployment.refs["LeadsTable"])
    return leads


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("fab", {"Fabrikam Inc.", "Fabrikam Fabrics Kft."}),
        ("INC", {"Fabrikam Inc."}),
        ("societe gen", {"Société Générale S.A."}),
        ("générale", {"Société Générale S.A."}),
        ("fabrics", {"Fabrikam Fabrics Kft."}),
        ("northwinds", set()),
        ("north,gmbh", {"Northwind", "Contoso GmbH"}),
    ],
)
def test_a_word_prefix_pages_newest_first_reading_about_two_items_per_lead(
    deployment: Deployment, partners: Partners, named: list[Lead], typed: str, names: set[str]
) -> None:
    store = lead_store(deployment)
    wanted = query(customer_name=typed)
    expected = sorted((lead.lead_id for lead in named if lead.customer.company in names), reverse=True)
    ids, reads = walk(store, partners.contoso, wanted, limit=4)
    assert ids == expected
    # one entry and one lead per lead returned, plus two entries read ahead per page and value
    # (OR); a word longer than the longest stored prefix reads that prefix's entries ("northwin":
    # 12 of them)
    lengthy = 12 if typed == "northwinds" else 0
    ahead = 2 * len(wanted.filters["customer_name"])
    assert sum(reads) <= 2 * len(expected) + ahead * len(reads) + lengthy, reads


def test_other_filters_apply_to_the_leads_the_entries_name(
    deployment: Deployment, partners: Partners, named: list[Lead]
) -> None:
    store = lead_store(deployment)
    mine = [lead for lead in named if lead.customer.company == "Fabrikam Inc."]
    accepted = mine[::3]
    for lead in accepted:
        store.update_lead(
            lead, lead.model_copy(update={"status": LeadStatus.ACCEPTED, "version": lead.version + 1})
        )
    ids, _ = walk(store, partners.contoso, query(customer_name="fabrikam inc", status="accepted"), limit=2)
    assert ids == sorted((lead.lead_id for lead in accepted), reverse=True)
    window = query(customer_name="inc", created_from=mine[2].created_at.isoformat(), order="asc")
    ids, _ = walk(store, partners.contoso, window, limit=3)
    assert ids == [lead.lead_id for lead in mine[2:]]


def test_a_renamed_company_moves_its_entries(deployment: Deployment, partners: Partners) -> None:
    store = lead_store(deployment)
    table = deployment.refs["LeadsTable"]
    lead = make_lead(company="Tailspin Toys", partner=partners.contoso)
    put_leads([lead], table)
    renamed = lead.model_copy(
        update={
            "customer": Customer(
                first_name="Ada", email="ada@contoso.com", company="Wingtip Ltd", country="US"
            )
        }
    )
    store.update_lead(lead, renamed.model_copy(update={"version": lead.version + 1}))
    assert store.query_leads(partners.contoso, query(customer_name="tail"), 10).leads == []
    assert [
        found.lead_id for found in store.query_leads(partners.contoso, query(customer_name="ltd"), 10).leads
    ] == [lead.lead_id]
    assert entries_in(word_partition(partners.contoso, Tab.MARKETPLACE, "tail"), table) == []
    assert len(entries_in(word_partition(partners.contoso, Tab.MARKETPLACE, "wing"), table)) == 1


def test_a_status_change_writes_no_entry(deployment: Deployment, partners: Partners) -> None:
    lead = make_lead(company="Tailspin Toys", partner=partners.contoso)
    put_leads([lead], deployment.refs["LeadsTable"])
    store = LeadStore(aws.dynamodb(), deployment.refs["LeadsTable"], ItemPolicy())
    counted = RequestCounter().watch(aws.dynamodb())
    store.update_lead(
        lead, lead.model_copy(update={"status": LeadStatus.ACCEPTED, "version": lead.version + 1})
    )
    assert counted.writes() == 1  # the lead and its counters' transaction, nothing else
    assert counted.counts.get("BatchWriteItem", 0) == 0


def test_ingest_writes_the_entries_and_a_redelivery_writes_the_same_ones_again(
    deployment: Deployment, partners: Partners, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = deployment.refs["LeadsTable"]
    ingest = ingest_service(deployment, lambda: T0 + timedelta(hours=1), backoff=0)
    body = json.dumps(marketplace_lead("n-1"))
    # The lead's transaction goes through, its entries fail: the record is retried.
    original = LeadStore.write_entries

    def failing(self: LeadStore, lead: Lead) -> None:
        raise RuntimeError("throttled")

    monkeypatch.setattr(LeadStore, "write_entries", failing)
    [first] = ingest.ingest([QueuedRecord("msg-1", body)])
    assert first.fate is RecordFate.RETRY
    partition = word_partition(partners.contoso, Tab.MARKETPLACE, "cont")
    assert entries_in(partition, table) == []

    monkeypatch.setattr(LeadStore, "write_entries", original)
    [again] = ingest.ingest([QueuedRecord("msg-1", body)])  # SQS delivers the same message again
    assert again.fate is RecordFate.DUPLICATE
    stored = lead_store(deployment).get_lead(partners.contoso, str(again.lead_id))
    assert stored is not None
    [entry] = entries_in(partition, table)
    assert entry["SK"]["S"] == stored.lead_id

    [once_more] = ingest.ingest([QueuedRecord("msg-1", body)])
    assert once_more.fate is RecordFate.DUPLICATE
    expected = entry_items(stored)
    for pk, _ in expected:
        assert len(entries_in(pk, table)) == 1
    found = lead_store(deployment).query_leads(partners.contoso, query(customer_name="contoso"), 10)
    assert [lead.lead_id for lead in found.leads] == [stored.lead_id]


def test_a_rare_value_reads_about_two_items_per_lead_returned(
    deployment: Deployment, partners: Partners
) -> None:
    rare = {n for n in range(200) if n % 20 == 0}
    leads = [
        make_lead(
            created_at=at,
            partner=partners.contoso,
            email_validity="spam" if n in rare else "valid",
            country="HU" if n in rare else "US",
        )
        for n, at in enumerate(spaced(200, T0))
    ]
    put_leads(leads, deployment.refs["LeadsTable"])
    store = lead_store(deployment)
    expected = sorted((leads[n].lead_id for n in rare), reverse=True)
    for wanted in (
        query(email_validity="spam"),
        query(country="HU"),
        query(email_validity="spam", country="hu"),
    ):
        page = store.query_leads(partners.contoso, wanted, 5)
        assert [lead.lead_id for lead in page.leads] == expected[:5]
        assert page.items_read <= 2 * 5 + 1, page.items_read
        ids, _ = walk(store, partners.contoso, wanted, 3)
        assert ids == expected
    # A common value has no entries: its filter over the tab's index reads little anyway.
    assert not any("#X#email_validity#valid" in pk for lead in leads for pk, _ in entry_items(lead))


@pytest.mark.parametrize("typed", ["fab", "northwinds", "north,gmbh,inc", "fabrikam f", "s a"])
@pytest.mark.parametrize("budget", [1, 3, 7])
def test_a_page_cut_short_by_its_read_budget_continues_where_it_stopped(
    deployment: Deployment, partners: Partners, named: list[Lead], typed: str, budget: int
) -> None:
    """However early the budget stops a page, following the cursors finds every match once, in order."""
    store = lead_store(deployment)
    wanted = query(customer_name=typed)
    expected = sorted((lead.lead_id for lead in named if matches(lead, wanted)), reverse=True)
    ids: list[str] = []
    cursor = None
    for _ in range(500):
        page = store.query_leads(partners.contoso, wanted, 4, cursor, max_items_read=budget)
        ids += [lead.lead_id for lead in page.leads]
        cursor = page.cursor
        if cursor is None:
            break
    assert ids == expected
