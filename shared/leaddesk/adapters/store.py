"""The leads store: the façade services use over the single DynamoDB table.

The work is split by job in `leaddesk.adapters.dynamo` — key layout and item mapping, ingest's
idempotent writes, the query engine and its cursors; this class joins them and keeps the two
writes every lifecycle change uses (a conditional update, the favorite flag).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leaddesk.adapters.dynamo.ingest_writes import IngestResult, IngestWrites, Marker
from leaddesk.adapters.dynamo.items import KEPT_BY_CHANGES, OPTIONAL_ATTRIBUTES, item_to_lead, lead_to_item
from leaddesk.adapters.dynamo.keys import MarkerKey, favorites_key, lead_key
from leaddesk.adapters.dynamo.queries import MAX_ITEMS_READ, LeadQueries, Page
from leaddesk.domain.filters import LeadQuery
from leaddesk.domain.models import Lead, LeadStatus, Tab

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class StaleLead(Exception):
    """The lead changed since it was read (a conditional write lost a race)."""


class LeadStore:
    def __init__(self, client: DynamoDBClient, table_name: str, expiry_days: int) -> None:
        self._db = client
        self._table = table_name
        self._expiry_days = expiry_days
        self._ingest = IngestWrites(client, table_name, expiry_days)
        self._queries = LeadQueries(client, table_name)

    # --- ingest -----------------------------------------------------------------------------
    def read_markers(self, keys: Iterable[MarkerKey]) -> dict[MarkerKey, Marker]:
        return self._ingest.read_markers(keys)

    def add_lead(
        self,
        lead: Lead,
        dedupe: str | None,
        delivery_id: str,
        known: Mapping[MarkerKey, Marker] | None = None,
    ) -> IngestResult:
        return self._ingest.add_lead(lead, dedupe, delivery_id, known)

    # --- reads --------------------------------------------------------------------------------
    def get_lead(self, partner_id: str, lead_id: str) -> Lead | None:
        found = self._db.get_item(
            TableName=self._table, Key=lead_key(partner_id, lead_id), ConsistentRead=True
        )
        item = found.get("Item")
        return item_to_lead(item) if item else None

    def query_leads(
        self,
        partner_id: str,
        query: LeadQuery,
        limit: int,
        cursor: str | None = None,
        max_items_read: int = MAX_ITEMS_READ,
    ) -> Page:
        return self._queries.query_leads(partner_id, query, limit, cursor, max_items_read)

    def count(self, partner_id: str, tab: Tab, status: LeadStatus | None, include_test: bool = False) -> int:
        return self._queries.count(partner_id, tab, status, include_test)

    def due(self, now: datetime) -> Iterator[tuple[str, str]]:
        return self._queries.due(now)

    # --- changes ------------------------------------------------------------------------------
    def update_lead(self, before: Lead, after: Lead) -> None:
        """Write a lifecycle change if nobody changed the lead since `before` was read.

        Conditional on (version, status): of two concurrent changes exactly one succeeds; the
        other gets `StaleLead` and must re-read. Favorite and touchpoints are left as they are.
        """
        item = lead_to_item(after, self._expiry_days)
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        sets: list[str] = []
        for index, (name, value) in enumerate(sorted(item.items())):
            if name in KEPT_BY_CHANGES:
                continue
            names[f"#a{index}"] = name
            values[f":a{index}"] = value
            sets.append(f"#a{index} = :a{index}")
        removes = []
        for index, name in enumerate(sorted(OPTIONAL_ATTRIBUTES - set(item))):
            names[f"#r{index}"] = name
            removes.append(f"#r{index}")
        names |= {"#version": "version", "#status": "status"}
        values |= {":expected": {"N": str(before.version)}, ":from": {"S": before.status.value}}
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        try:
            self._db.update_item(
                TableName=self._table,
                Key=lead_key(after.partner_id, after.lead_id),
                UpdateExpression=expression,
                ConditionExpression="#version = :expected AND #status = :from",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise StaleLead(after.lead_id) from error
            raise

    def set_favorite(self, partner_id: str, lead_id: str, favorite: bool) -> bool:
        """Mark or unmark a lead as favorite (idempotent); False when the partner has no such lead."""
        if favorite:
            expression = "SET favorite = :true, GSI3PK = :pk, GSI3SK = :sk"
            values: dict[str, Any] = {
                ":true": {"BOOL": True},
                ":pk": {"S": favorites_key(partner_id)},
                ":sk": {"S": lead_id},
            }
        else:
            expression = "SET favorite = :false REMOVE GSI3PK, GSI3SK"
            values = {":false": {"BOOL": False}}
        try:
            self._db.update_item(
                TableName=self._table,
                Key=lead_key(partner_id, lead_id),
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True
