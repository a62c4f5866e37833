"""The leads store: the façade services use over the single DynamoDB table.

The work is split by job in `leaddesk.adapters.dynamo` — key layout and item mapping, ingest's
idempotent writes, the query engine and its cursors, the summary counters; this class joins
them and keeps the two writes every person's change uses (a conditional update, the favorite
flag), each with its counter delta in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leaddesk.adapters.dynamo.counters import Counts, counter_update, deltas, read_counts
from leaddesk.adapters.dynamo.index_entries import IndexEntries
from leaddesk.adapters.dynamo.ingest_writes import IngestWrites
from leaddesk.adapters.dynamo.items import ItemPolicy, changed_attributes, item_to_lead, lead_to_item
from leaddesk.adapters.dynamo.keys import favorites_key, lead_key, partner_key
from leaddesk.adapters.dynamo.lead_mails import lead_mail_from
from leaddesk.adapters.dynamo.notify_items import lead_mail_prefix
from leaddesk.adapters.dynamo.paging import cancellation_reasons, pages
from leaddesk.adapters.dynamo.queries import MAX_ITEMS_READ, LeadQueries, Page
from leaddesk.adapters.failures import permanent_failures
from leaddesk.domain.deliveries import LeadMail
from leaddesk.domain.filters import LeadQuery
from leaddesk.domain.ingest_outcomes import IngestResult, Marker, MarkerKey
from leaddesk.domain.models import Lead

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

FAVORITE_ATTEMPTS = 5


class StaleLead(Exception):
    """The lead changed since it was read (a conditional write lost a race)."""


class LeadStore:
    def __init__(self, client: DynamoDBClient, table_name: str, policy: ItemPolicy) -> None:
        self._db = client
        self._table = table_name
        self._policy = policy
        self._ingest = IngestWrites(client, table_name, policy)
        self._queries = LeadQueries(client, table_name, policy)
        self._entries = IndexEntries(client, table_name)

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
        """Store a new lead once per event id, folding 24 h repeats (see `dynamo.ingest_writes`).
        Raises PermanentFailure when the write can never succeed as it is."""
        with permanent_failures():
            return self._ingest.add_lead(lead, dedupe, delivery_id, known)

    def write_entries(self, lead: Lead) -> None:
        """The stored lead's index entries (name words, rare filter values: `dynamo.index_entries`),
        written after its transaction; again on a redelivery, which rewrites the same items."""
        self._entries.write(lead)

    # --- reads --------------------------------------------------------------------------------
    def get_lead(self, partner_id: str, lead_id: str) -> Lead | None:
        key = lead_key(partner_id, lead_id)
        item = self._db.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        return item_to_lead(item) if item else None

    def lead_mails(self, partner_id: str, lead_id: str) -> list[LeadMail]:
        """The emails sent about a lead (items beside it: `MAIL#<lead id>#…`), one Query."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": {"S": partner_key(partner_id)},
                ":prefix": {"S": lead_mail_prefix(lead_id)},
            },
        }
        return [
            lead_mail_from(row, partner_id, lead_id)
            for answer in pages(self._db.query, request)
            for row in answer.get("Items", [])
        ]

    def query_leads(
        self,
        partner_id: str,
        query: LeadQuery,
        limit: int,
        cursor: str | None = None,
        max_items_read: int = MAX_ITEMS_READ,
    ) -> Page:
        return self._queries.query_leads(partner_id, query, limit, cursor, max_items_read)

    def counts(self, partner_id: str) -> Counts:
        return read_counts(self._db, self._table, partner_id)

    def due(self, now: datetime, limit: int, unreadable: list[int] | None = None) -> Iterator[Lead]:
        return self._queries.due(now, limit, unreadable)

    # --- changes ------------------------------------------------------------------------------
    def update_lead(self, before: Lead, after: Lead) -> None:
        """Write a lifecycle change if nobody changed the lead since `before` was read.

        Only what the change moved is written (`changed_attributes`): the condition holds the
        stored item to `before`, so the rest is already as it should be.

        Conditional on (version, status): of two concurrent changes exactly one succeeds; the
        other gets `StaleLead` and must re-read. A change that moves the lead between counters
        (its status) writes their delta in the same transaction, and is then also conditional
        on the favorite flag it counted with. Favorite and touchpoints are left as they are.
        """
        names: dict[str, str] = {"#version": "version", "#status": "status"}
        values: dict[str, Any] = {
            ":expected": {"N": str(before.version)},
            ":from": {"S": before.status.value},
        }
        sets, removes = changed_attributes(
            lead_to_item(before, self._policy), lead_to_item(after, self._policy)
        )
        set_clauses = []
        for index, (name, value) in enumerate(sorted(sets.items())):
            names[f"#a{index}"] = name
            values[f":a{index}"] = value
            set_clauses.append(f"#a{index} = :a{index}")
        remove_clauses = []
        for index, name in enumerate(sorted(removes)):
            names[f"#r{index}"] = name
            remove_clauses.append(f"#r{index}")
        clauses = [f"SET {', '.join(set_clauses)}"] if set_clauses else []
        clauses += [f"REMOVE {', '.join(remove_clauses)}"] if remove_clauses else []
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": lead_key(after.partner_id, after.lead_id),
            "UpdateExpression": " ".join(clauses),
            "ConditionExpression": "#version = :expected AND #status = :from",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        counted = deltas(before, after)
        if not counted:
            self._update(update, after.lead_id)
        else:
            update["ConditionExpression"] += " AND favorite = :counted_favorite"
            values[":counted_favorite"] = {"BOOL": before.favorite}
            self._transact(
                [{"Update": update}, counter_update(self._table, after.partner_id, counted)], after.lead_id
            )
        # A changed company name (or anything else an entry holds) moves its entries; a lifecycle
        # change leaves them as they are and writes nothing here.
        self._entries.rewrite(before, after)

    def set_favorite(self, partner_id: str, lead_id: str, favorite: bool) -> bool:
        """Mark or unmark a lead as favorite (idempotent); False when the partner has no such lead.

        The flag moves the lead in or out of the favorites counters, so the write is conditional
        on the state it counted from (version — hence status — and the flag) and retried when
        a concurrent change got there first.
        """
        for _ in range(FAVORITE_ATTEMPTS):
            lead = self.get_lead(partner_id, lead_id)
            if lead is None:
                return False
            if lead.favorite == favorite:
                return True
            update = self._favorite_update(lead, favorite)
            counted = deltas(lead, lead.model_copy(update={"favorite": favorite}))
            try:
                if counted:
                    self._transact([update, counter_update(self._table, partner_id, counted)], lead_id)
                else:
                    self._update(update["Update"], lead_id)
                return True
            except StaleLead:
                continue
        raise RuntimeError(f"lead {lead_id} kept changing; gave up after {FAVORITE_ATTEMPTS} attempts")

    def _favorite_update(self, lead: Lead, favorite: bool) -> dict[str, Any]:
        values: dict[str, Any] = {
            ":flag": {"BOOL": favorite},
            ":was": {"BOOL": lead.favorite},
            ":version": {"N": str(lead.version)},
        }
        if favorite:
            expression = "SET favorite = :flag, GSI3PK = :pk, GSI3SK = :sk"
            values |= {":pk": {"S": favorites_key(lead.partner_id)}, ":sk": {"S": lead.lead_id}}
        else:
            expression = "SET favorite = :flag REMOVE GSI3PK, GSI3SK"
        return {
            "Update": {
                "TableName": self._table,
                "Key": lead_key(lead.partner_id, lead.lead_id),
                "UpdateExpression": expression,
                "ConditionExpression": "version = :version AND favorite = :was",
                "ExpressionAttributeValues": values,
            }
        }

    def _update(self, update: dict[str, Any], lead_id: str) -> None:
        try:
            self._db.update_item(**update)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise StaleLead(lead_id) from error
            raise

    def _transact(self, items: list[dict[str, Any]], lead_id: str) -> None:
        """The lead's conditional change and its counter delta, all or nothing. Any cancellation
        (the lead changed, or another transaction held the counter item) means: read again."""
        try:
            self._db.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
        except ClientError as error:
            cancellation_reasons(error)  # raises again what is not a cancelled transaction
            raise StaleLead(lead_id) from error
