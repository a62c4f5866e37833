"""The lead item as stored: a compressed document (older items' text document still read) and
lifecycle updates that write only what changed, conditional on (version, status)."""

from __future__ import annotations

import zlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from bench.capacity import item_size

from leaddesk.adapters.dynamo.documents import DICTIONARIES, compress_document, decompress_document
from leaddesk.adapters.dynamo.items import ItemPolicy, item_to_lead, lead_to_item
from leaddesk.adapters.dynamo.keys import lead_key, tab_key
from leaddesk.adapters.store import LeadStore, StaleLead
from leaddesk.domain.filters import LeadQuery, Order, Sort, value_sort_key
from leaddesk.domain.models import Lead, LeadStatus
from leaddesk.domain.timed_rules import run_timed_rules
from leaddesk_local.provision import Deployment, client
from tests.helpers.leads import T0, make_lead, put_leads

POLICY = ItemPolicy()


def stored(deployment: Deployment, lead: Lead) -> dict[str, Any]:
    answer = client("dynamodb", None).get_item(
        TableName=deployment.refs["LeadsTable"], Key=lead_key(lead.partner_id, lead.lead_id)
    )
    return dict(answer["Item"])


def expired(lead: Lead) -> Lead:
    return run_timed_rules(lead, T0 + timedelta(days=20), POLICY.expiry_days)[-1].lead


def updates_sent(store_client: Any) -> list[dict[str, Any]]:
    """The UpdateItem requests (alone or in a transaction) a client sends from now on."""
    sent: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        if "Key" in params and "UpdateExpression" in params:
            sent.append(params)
        for entry in params.get("TransactItems", []):
            if "Update" in entry:
                sent.append(entry["Update"])

    store_client.meta.events.register("provide-client-params.dynamodb.*", record)
    return sent


def test_a_typical_lead_item_is_under_one_kilobyte_with_its_document_compressed() -> None:
    lead = make_lead(notes="We would like a demo for 40 seats before the end of the quarter.")
    item = lead_to_item(lead, POLICY)
    assert "doc" not in item
    assert item_size(item) <= 1024
    assert item_to_lead(item) == lead


def test_an_item_written_before_compression_is_read_and_rewritten_compressed(deployment: Deployment) -> None:
    table = deployment.refs["LeadsTable"]
    lead = make_lead()
    legacy = lead_to_item(lead, POLICY)
    legacy.pop("docz")
    legacy["doc"] = {"S": lead.model_dump_json(exclude={"version", "favorite", "touchpoints", "tab", "etag"})}
    client("dynamodb", None).put_item(TableName=table, Item=legacy)
    store = LeadStore(client("dynamodb", None), table, POLICY)

    assert store.get_lead(lead.partner_id, lead.lead_id) == lead
    store.update_lead(lead, lead)  # the sweep's refresh of a lead with no rule due: no new document
    assert stored(deployment, lead)["doc"] == legacy["doc"]
    assert store.get_lead(lead.partner_id, lead.lead_id) == lead
    after = expired(lead)
    store.update_lead(lead, after)

    item = stored(deployment, lead)
    assert "doc" not in item
    assert item_to_lead(item) == after


def test_a_change_writes_only_the_attributes_it_moved(deployment: Deployment) -> None:
    table = deployment.refs["LeadsTable"]
    lead = make_lead()
    put_leads([lead], table)
    db = client("dynamodb", None)
    sent = updates_sent(db)
    after = expired(lead)

    LeadStore(db, table, POLICY).update_lead(lead, after)

    (update,) = [params for params in sent if params["Key"]["SK"]["S"].startswith("L#")]  # not the counter
    names = update["ExpressionAttributeNames"]
    written = {names[alias] for alias in _aliases(update["UpdateExpression"], "SET")}
    removed = {names[alias] for alias in _aliases(update["UpdateExpression"], "REMOVE")}
    before_item, after_item = lead_to_item(lead, POLICY), lead_to_item(after, POLICY)
    moved = {name for name, value in after_item.items() if before_item.get(name) != value}
    assert written == moved  # status, version, the document, the status index key...
    assert {"lead_id", "created_at", "GSI1PK", "GSI4SK", "PK"}.isdisjoint(written)
    assert removed >= {"DUEPK", "DUESK"}  # an expired lead has no timed rule left
    assert after.status is LeadStatus.ARCHIVED
    item = stored(deployment, lead)
    assert {name: value for name, value in item.items()} == after_item


def test_the_update_stays_conditional_on_version_and_status(deployment: Deployment) -> None:
    table = deployment.refs["LeadsTable"]
    lead = make_lead()
    put_leads([lead], table)
    store = LeadStore(client("dynamodb", None), table, POLICY)
    store.update_lead(lead, expired(lead))
    with pytest.raises(StaleLead):
        store.update_lead(lead, expired(lead))  # read before the first change: refused


def _aliases(expression: str, clause: str) -> list[str]:
    """The attribute aliases of one clause (SET or REMOVE) of an update expression."""
    parts = expression.split(" ")
    if clause not in parts:
        return []
    start = parts.index(clause) + 1
    aliases = []
    for part in parts[start:]:
        if part in {"SET", "REMOVE"}:
            break
        if part.startswith("#"):
            aliases.append(part.rstrip(","))
    return aliases


def test_documents_compressed_with_an_earlier_dictionary_or_none_stay_readable() -> None:
    lead = make_lead(notes="A demo for 40 seats.")
    document = lead.model_dump_json(exclude={"version", "favorite", "touchpoints", "tab", "etag"}).encode()
    assert decompress_document(zlib.compress(document)) == document  # no dictionary
    for dictionary in DICTIONARIES:
        packer = zlib.compressobj(9, zdict=dictionary)
        assert decompress_document(packer.compress(document) + packer.flush()) == document
    assert len(compress_document(document)) * 4 < len(document)


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_by_value_pages_leads_without_a_value_once_and_in_order_items_written_before_included(
    deployment: Deployment, order: str
) -> None:
    """ByTabValue holds only leads with a value; the others come from ByTab. A lead without a
    value written before the index was sparse (it still has ByTabValue keys) is listed once."""
    table = deployment.refs["LeadsTable"]
    leads = [
        make_lead(created_at=T0 + timedelta(minutes=n), estimated_value=Decimal(n * 100) if n % 3 else None)
        for n in range(12)
    ]
    put_leads(leads, table)
    db = client("dynamodb", None)
    for lead in leads[:6]:
        if lead.estimated_value is None:  # as stored before: a zero value key
            db.update_item(
                TableName=table,
                Key=lead_key(lead.partner_id, lead.lead_id),
                UpdateExpression="SET GSI5PK = :pk, GSI5SK = :sk",
                ExpressionAttributeValues={
                    ":pk": {"S": tab_key(lead.partner_id, lead.tab)},
                    ":sk": {"S": value_sort_key(lead)},
                },
            )
    store = LeadStore(db, table, POLICY)
    query = LeadQuery(sort=Sort.ESTIMATED_VALUE, order=Order(order))
    seen: list[str] = []
    cursor = None
    while True:
        page = store.query_leads(leads[0].partner_id, query, 5, cursor)
        seen.extend(lead.lead_id for lead in page.leads)
        cursor = page.cursor
        if cursor is None:
            break
    expected = sorted(
        leads, key=lambda lead: value_sort_key(lead, Order(order)), reverse=order == "desc"
    )  # without a value: last either way
    assert seen == [lead.lead_id for lead in expected]
