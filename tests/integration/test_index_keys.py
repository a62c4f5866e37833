"""No index has a constant partition key: every partition key a write produces belongs to one
partner, or is one of the Due or DigestsDue index's shards (a single hot partition caps a whole
table's writes).

The test reads the whole table (a Scan), so it has a table of its own."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leaddesk import composition
from leaddesk.adapters.dynamo.items import ItemPolicy
from leaddesk.adapters.dynamo.keys import due_partition
from leaddesk.adapters.dynamo.notify_items import DIGEST_SHARDS, digest_partition
from leaddesk.adapters.dynamo.paging import pages
from leaddesk_local.provision import Deployment, client
from leaddesk_local.template import Template
from tests.helpers.api import call_api
from tests.helpers.ingest import invoke, marketplace_lead, sqs_event
from tests.helpers.leads import ACCEPT_BODY, make_lead, put_leads
from tests.helpers.notify import lead_envelope, notify, put_settings
from tests.helpers.tenants import Partners

pytestmark = pytest.mark.fresh_deployment


def index_hash_keys(template: Template) -> dict[str, str]:
    """Index name → the attribute its partition key is read from."""
    table = next(iter(template.of_type("AWS::DynamoDB::Table").values()))
    return {
        index["IndexName"]: next(k["AttributeName"] for k in index["KeySchema"] if k["KeyType"] == "HASH")
        for index in table["Properties"]["GlobalSecondaryIndexes"]
    }


def every_item(deployment: Deployment) -> list[dict[str, Any]]:
    request = {"TableName": deployment.refs["LeadsTable"]}  # a test may Scan; the code never does
    return [item for answer in pages(client("dynamodb", None).scan, request) for item in answer["Items"]]


def on_lead(partner: str, method: str, lead_id: str, action: str, body: Any = None) -> None:
    status, answer, _ = call_api(
        method,
        f"/leads/{lead_id}{action}",
        "/leads/{lead_id}" + action,
        partner,
        body=body,
        path_parameters={"lead_id": lead_id},
    )
    assert status < 300, answer


def test_every_index_partition_key_is_a_partners_or_a_due_shard(
    deployment: Deployment, template: Template, partners: Partners
) -> None:
    # A workload that makes every kind of write: ingest (new, duplicate, touchpoint), actions,
    # favorites on and off, the sweep's timed rules.
    for partner in (partners(f"keys-{n}") for n in range(3)):
        leads = [marketplace_lead(f"{partner}-{i}", partner=partner, email=f"{i}@x.com") for i in range(6)]
        invoke(sqs_event(*leads))
        invoke(sqs_event(marketplace_lead(f"{partner}-0", partner=partner, email="0@x.com")))
        invoke(sqs_event(marketplace_lead(f"{partner}-again", partner=partner, email="1@x.com")))
        _, page, _ = call_api("GET", "/leads", "/leads", partner=partner)
        first, second = page["items"][0]["lead_id"], page["items"][1]["lead_id"]
        on_lead(partner, "POST", first, "/accept", ACCEPT_BODY)
        on_lead(partner, "PUT", second, "/favorite")
        on_lead(partner, "PUT", first, "/favorite")
        on_lead(partner, "DELETE", first, "/favorite")
    old = [
        make_lead(partner=partners("keys-old"), created_at=datetime.now(UTC) - timedelta(days=n))
        for n in range(1, 40)
    ]
    put_leads(old, deployment.refs["LeadsTable"])
    composition.sweep_service().sweep(datetime.now(UTC))
    # The notifier's writes: settings, feed, deliveries, day counts, digest entries and marks.
    for n in range(12):
        partner = partners(f"digest-{n}")
        put_settings(partner, referral_admin_emails=["ana@partner-contoso.com"])
        # Microseconds apart: minutes apart, a run just after midnight put some in yesterday.
        busy = [
            make_lead(partner=partner, created_at=datetime.now(UTC) - timedelta(microseconds=m))
            for m in range(11)
        ]
        put_leads(busy, deployment.refs["LeadsTable"])
        notify(*[lead_envelope("lead.received", lead) for lead in busy[:10]])
        notify(lead_envelope("lead.received", busy[10]))

    hash_keys = index_hash_keys(template)
    due_attribute = hash_keys.pop("DueByShard")
    digest_attribute = hash_keys.pop("DigestsDue")
    seen: dict[str, set[str]] = defaultdict(set)
    for item in every_item(deployment):
        owner = item["PK"]["S"]
        assert owner.startswith("P#"), item["PK"]
        for index, attribute in hash_keys.items():
            if attribute in item:
                value = item[attribute]["S"]
                assert value == owner or value.startswith(owner + "#"), (index, value, owner)
                seen[index].add(value)
        if due_attribute in item:
            seen["DueByShard"].add(item[due_attribute]["S"])
        if digest_attribute in item:
            seen["DigestsDue"].add(item[digest_attribute]["S"])
    shards = {due_partition(n) for n in range(ItemPolicy().due_shards)}
    assert seen["DueByShard"] <= shards
    assert len(seen["DueByShard"]) >= 4, seen["DueByShard"]  # due times really spread
    assert seen["DigestsDue"] <= {digest_partition(n) for n in range(DIGEST_SHARDS)}
    assert len(seen["DigestsDue"]) >= 3, seen["DigestsDue"]  # partners really spread
    for index in hash_keys:
        assert len(seen[index]) >= 3, (index, seen[index])  # one partition per partner (and tab, status)
