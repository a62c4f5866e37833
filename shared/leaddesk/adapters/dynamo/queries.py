"""Reading leads: a tab's page under filters and a sort, counts, and the leads due for a timed rule.

Never a Scan. The key condition does what it can (tab, status, creation window via ULID
bounds, the cursor position); the other filters are FilterExpressions whose meaning is
`leaddesk.domain.filters.matches` (a property test holds them to it), planned within DynamoDB's
expression limits (`leaddesk.adapters.dynamo.expressions`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING, Any

from ulid import ULID

from leaddesk.adapters.dynamo.cursors import decode_position, encode_position
from leaddesk.adapters.dynamo.expressions import created_filter, filter_expression, sort_key_window
from leaddesk.adapters.dynamo.index_entries import IndexEntries, entry_partitions
from leaddesk.adapters.dynamo.items import ItemPolicy, item_to_lead
from leaddesk.adapters.dynamo.keys import (
    BY_TAB,
    BY_TAB_NAME,
    BY_TAB_STATUS,
    BY_TAB_VALUE,
    DUE,
    FAVORITES,
    due_partition,
    due_time_text,
    favorites_key,
    tab_key,
    tab_status_key,
)
from leaddesk.adapters.dynamo.paging import pages
from leaddesk.domain.filters import LeadQuery, Order, Sort, no_value_prefix
from leaddesk.domain.models import Lead, LeadStatus, Tab

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

MAX_ITEMS_READ = 2000  # per page: a selective filter returns a short page + cursor beyond this
MAX_QUERY_LIMIT = 1000
MAX_FAVORITES_SORTED = 5000
# Above every stored key of a lead without a value (items written before ByTabValue was sparse).
VALUED_FLOOR = no_value_prefix(Order.DESC) + "\uffff"


@dataclass(frozen=True)
class Page:
    leads: list[Lead]
    cursor: str | None
    items_read: int


@dataclass(frozen=True)
class _Stream:
    """One index partition read in sort-key order."""

    index: str
    pk_name: str
    pk_value: str
    sk_name: str
    uses_status: bool  # the key already selects one status


@dataclass(frozen=True)
class _StreamResult:
    items: list[tuple[str, dict[str, Any]]]
    evaluated_to: str | None  # sort key read up to, when the stream has more
    items_read: int


class LeadQueries:
    def __init__(self, client: DynamoDBClient, table_name: str, policy: ItemPolicy) -> None:
        self._db = client
        self._table = table_name
        self._policy = policy
        self._entries = IndexEntries(client, table_name)

    def query_leads(
        self,
        partner_id: str,
        query: LeadQuery,
        limit: int,
        cursor: str | None = None,
        max_items_read: int = MAX_ITEMS_READ,
    ) -> Page:
        """One page of a tab under filters and a sort.

        Several statuses are several queries merged in sort order. A page stops early (with a
        cursor) once `max_items_read` items were read, so a very selective filter costs
        bounded work per request.
        """
        after = decode_position(cursor, partner_id, query) if cursor else None
        partitions = entry_partitions(partner_id, query)
        if partitions is not None:
            low, high = _key_window(query, after, query.order is Order.DESC)
            if low is not None and high is not None and low > high:
                return Page([], None, 0)
            found = self._entries.page(partner_id, query, partitions, limit, after, low, high, max_items_read)
            position = found.position
            cursor_out = encode_position(partner_id, query, position) if position is not None else None
            return Page(found.leads, cursor_out, found.items_read)
        if query.tab is Tab.FAVORITES and query.sort is not Sort.CREATED_AT:
            return self._favorites_sorted(partner_id, query, limit, after)
        if query.sort is Sort.ESTIMATED_VALUE:
            return self._value_sorted(partner_id, query, limit, after, max_items_read)
        streams = _streams(partner_id, query)
        descending = query.order is Order.DESC
        results = [
            self._fetch(stream, query, limit, after, max_items_read // len(streams)) for stream in streams
        ]
        items_read = sum(r.items_read for r in results)
        unfinished = [r.evaluated_to for r in results if r.evaluated_to is not None]
        threshold = (max(unfinished) if descending else min(unfinished)) if unfinished else None
        candidates = [
            (key, item)
            for r in results
            for key, item in r.items
            if threshold is None or (key >= threshold if descending else key <= threshold)
        ]
        candidates.sort(key=lambda pair: pair[0], reverse=descending)
        taken = candidates[:limit]
        position = taken[-1][0] if len(candidates) > limit else threshold
        return Page(
            leads=[item_to_lead(item) for _, item in taken],
            cursor=encode_position(partner_id, query, position) if position is not None else None,
            items_read=items_read,
        )

    def _fetch(
        self,
        stream: _Stream,
        query: LeadQuery,
        limit: int,
        after: str | None,
        budget: int,
        floor: str | None = None,
        absent: str | None = None,
    ) -> _StreamResult:
        """One stream's items in sort-key order after `after`: `floor` is a lowest sort key,
        `absent` an attribute the items must not have."""
        descending = query.order is Order.DESC
        names: dict[str, str] = {"#pk": stream.pk_name}
        values: dict[str, Any] = {":pk": {"S": stream.pk_value}}
        key_condition = "#pk = :pk"
        low, high = _key_window(query, after, descending, floor)
        if low is not None and high is not None and low > high:
            # An empty window (created_to before created_from, or a cursor past it): DynamoDB
            # refuses a BETWEEN whose bounds are reversed, and nothing could match anyway.
            return _StreamResult([], None, 0)
        key_condition += sort_key_window(stream.sk_name, low, high, names, values)
        filters = filter_expression(query, names, values, skip_keyed=stream.uses_status)
        if absent:
            names["#absent"] = absent
            filters = " AND ".join(part for part in (filters, "attribute_not_exists(#absent)") if part)
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": stream.index,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not descending,
            "Limit": max(1, min(limit + (1 if after is not None else 0), MAX_QUERY_LIMIT, budget)),
        }
        if filters:
            request["FilterExpression"] = filters
        found: list[tuple[str, dict[str, Any]]] = []
        items_read = 0
        for answer in pages(self._db.query, request):
            items_read += answer.get("ScannedCount", 0)
            for item in answer.get("Items", []):
                key = item[stream.sk_name]["S"]
                if key != after:
                    found.append((key, dict(item)))
            last_key = answer.get("LastEvaluatedKey")
            if not last_key:
                break
            if len(found) >= limit or items_read >= budget:
                return _StreamResult(found, last_key[stream.sk_name]["S"], items_read)
            # Read ahead by the selectivity seen so far (a filter that keeps 1 in 20 reads ~20x).
            needed = limit - len(found)
            batch = math.ceil(needed * items_read / max(len(found), 1) * 1.2)
            request["Limit"] = max(1, min(batch, MAX_QUERY_LIMIT, budget - items_read))
        return _StreamResult(found, None, items_read)

    def _value_sorted(
        self, partner_id: str, query: LeadQuery, limit: int, after: str | None, budget: int
    ) -> Page:
        """A tab by estimated value: the leads with a value from the sparse ByTabValue index,
        then — last in either order — the leads without one from ByTab, by lead id as their
        sort key (`value_sort_key`) orders them. A page reads ByTab only once the valued leads
        are exhausted, so the first pages cost what they did with every lead in ByTabValue.

        Positions are sort keys as `value_sort_key` writes them for the query's order; a lead
        without a value is at `no_value_prefix(order)` + its id.
        """
        partner_tab = tab_key(partner_id, query.tab)
        valued = _Stream(BY_TAB_VALUE, "GSI5PK", partner_tab, "GSI5SK", uses_status=False)
        unvalued = _Stream(BY_TAB, "GSI1PK", partner_tab, "GSI1SK", uses_status=False)
        no_value = no_value_prefix(query.order)
        past_valued = after is not None and after.startswith(no_value)
        taken: list[tuple[str, dict[str, Any]]] = []
        items_read = 0
        for phase in ("valued", "unvalued"):
            want = limit - len(taken)
            if phase == "valued":
                if past_valued:
                    continue
                # Items written before the index was sparse (a lead without a value, keyed below
                # every value) are left to the ByTab phase: the floor skips them.
                result = self._fetch(valued, query, want, after, budget - items_read, floor=VALUED_FLOOR)
                keyed = result.items
                evaluated_to = result.evaluated_to
            else:
                start = after.removeprefix(no_value) if after is not None and past_valued else None
                result = self._fetch(
                    unvalued, query, want, start, budget - items_read, absent="estimated_value"
                )
                keyed = [(no_value + key, item) for key, item in result.items]
                evaluated_to = no_value + result.evaluated_to if result.evaluated_to else None
            items_read += result.items_read
            taken.extend(keyed[:want])
            if len(keyed) > want:
                return self._value_page(partner_id, query, taken, taken[-1][0], items_read)
            if evaluated_to is not None:  # bounded work per page: continue from there
                return self._value_page(partner_id, query, taken, evaluated_to, items_read)
            if len(taken) == limit:
                return self._value_page(partner_id, query, taken, taken[-1][0], items_read)
        return self._value_page(partner_id, query, taken, None, items_read)

    @staticmethod
    def _value_page(
        partner_id: str,
        query: LeadQuery,
        taken: list[tuple[str, dict[str, Any]]],
        position: str | None,
        read: int,
    ) -> Page:
        cursor = encode_position(partner_id, query, position) if position is not None else None
        return Page([item_to_lead(item) for _, item in taken], cursor, read)

    def _favorites_sorted(self, partner_id: str, query: LeadQuery, limit: int, after: str | None) -> Page:
        """Favorites are a short list: read it (bounded) and sort it in memory by name or value."""
        names: dict[str, str] = {"#pk": "GSI3PK"}
        values: dict[str, Any] = {":pk": {"S": favorites_key(partner_id)}}
        created = created_filter(query, names, values)
        filters = " AND ".join(
            part for part in (filter_expression(query, names, values, skip_keyed=False), created) if part
        )
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": FAVORITES,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if filters:
            request["FilterExpression"] = filters
        sort_attribute = "GSI4SK" if query.sort is Sort.CUSTOMER_NAME else "GSI5SK"
        descending = query.order is Order.DESC
        keyed: list[tuple[str, dict[str, Any]]] = []
        items_read = 0
        for answer in pages(self._db.query, request):
            items_read += answer.get("ScannedCount", 0)
            keyed.extend(
                (_sort_value(item, sort_attribute, query.order), dict(item))
                for item in answer.get("Items", [])
            )
            if items_read >= MAX_FAVORITES_SORTED:
                break
        if after is not None:
            keyed = [(k, i) for k, i in keyed if (k < after if descending else k > after)]
        keyed.sort(key=lambda pair: pair[0], reverse=descending)
        taken = keyed[:limit]
        cursor = encode_position(partner_id, query, taken[-1][0]) if len(keyed) > limit else None
        return Page([item_to_lead(item) for _, item in taken], cursor, items_read)

    def due(self, now: datetime, limit: int, unreadable: list[int] | None = None) -> Iterator[Lead]:
        """The leads whose next timed rule is due at `now`, soonest first, at most `limit`.

        The Due index spreads due times over the policy's shards: the first page of every shard
        is read in parallel, then the shards are merged by due time (a shard's further pages
        only when the merge reaches them). The index holds whole items, so a due lead costs one
        read; the sweep's conditional write catches an index copy that lags behind the table.
        A shard that cannot be read (throttled past the SDK's retries) is left for the next run
        and named in `unreadable`: one busy partition does not stop every other lead's rules.
        """
        shards = range(self._policy.due_shards)
        page = max(25, math.ceil(limit * 1.25 / len(shards)))
        skipped = unreadable if unreadable is not None else []
        with ThreadPoolExecutor(max_workers=min(len(shards), 8)) as pool:
            firsts = list(pool.map(lambda shard: self._due_first(shard, now, page, skipped), shards))
        streams = [
            self._due_items(shard, now, page, first, skipped)
            for shard, first in zip(shards, firsts, strict=True)
            if first is not None
        ]
        for item in islice(heapq.merge(*streams, key=lambda item: str(item["DUESK"]["S"])), limit):
            yield item_to_lead(item)

    def _due_page(self, shard: int, now: datetime, page: int, start: Any) -> Mapping[str, Any]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": DUE,
            "KeyConditionExpression": "DUEPK = :shard AND DUESK <= :now",
            "ExpressionAttributeValues": {
                ":shard": {"S": due_partition(shard)},
                ":now": {"S": due_time_text(now) + "#\uffff"},
            },
            "Limit": page,
        }
        if start is not None:
            request["ExclusiveStartKey"] = start
        return self._db.query(**request)

    def _due_first(
        self, shard: int, now: datetime, page: int, skipped: list[int]
    ) -> Mapping[str, Any] | None:
        try:
            return self._due_page(shard, now, page, None)
        except Exception:
            skipped.append(shard)
            return None

    def _due_items(
        self, shard: int, now: datetime, page: int, answer: Mapping[str, Any], skipped: list[int]
    ) -> Iterator[Mapping[str, Any]]:
        while True:
            yield from answer.get("Items", [])
            if not answer.get("LastEvaluatedKey"):
                return
            try:
                answer = self._due_page(shard, now, page, answer["LastEvaluatedKey"])
            except Exception:  # the rest of this shard waits for the next run
                skipped.append(shard)
                return


def _sort_value(item: Mapping[str, Any], attribute: str, order: Order) -> str:
    """An item's sort key in `order`: a lead without a value has no ByTabValue key (the index is
    sparse) and sorts last; so does one written with the zero key before."""
    if attribute == "GSI5SK" and "estimated_value" not in item:
        return no_value_prefix(order) + str(item["lead_id"]["S"])
    return str(item[attribute]["S"])


def _streams(partner_id: str, query: LeadQuery) -> list[_Stream]:
    if query.tab is Tab.FAVORITES:
        return [_Stream(FAVORITES, "GSI3PK", favorites_key(partner_id), "GSI3SK", uses_status=False)]
    partner_tab = tab_key(partner_id, query.tab)
    if query.sort is Sort.CUSTOMER_NAME:
        return [_Stream(BY_TAB_NAME, "GSI4PK", partner_tab, "GSI4SK", uses_status=False)]
    if query.statuses:
        return [
            _Stream(
                BY_TAB_STATUS,
                "GSI2PK",
                tab_status_key(partner_id, query.tab, LeadStatus(status)),
                "GSI2SK",
                uses_status=True,
            )
            for status in sorted(query.statuses)
        ]
    return [_Stream(BY_TAB, "GSI1PK", partner_tab, "GSI1SK", uses_status=False)]


def _key_window(
    query: LeadQuery, after: str | None, descending: bool, floor: str | None = None
) -> tuple[str | None, str | None]:
    """The sort-key range a page reads: the creation window (as lead ids), above `floor` (a
    lowest sort key), up to the cursor."""
    low, high = None, None
    if query.sort is Sort.CREATED_AT:
        low = ulid_floor(query.created_from) if query.created_from else None
        high = ulid_ceiling(query.created_to) if query.created_to else None
    if floor is not None:
        low = floor if low is None else max(low, floor)
    if after is not None:
        if descending:
            high = after if high is None else min(high, after)
        else:
            low = after if low is None else max(low, after)
    return low, high


def ulid_floor(moment: datetime) -> str:
    """The smallest lead id (ULID) of that millisecond."""
    return str(ULID.from_bytes(ULID.from_datetime(moment).bytes[:6] + b"\x00" * 10))


def ulid_ceiling(moment: datetime) -> str:
    """The largest lead id (ULID) of that millisecond."""
    return str(ULID.from_bytes(ULID.from_datetime(moment).bytes[:6] + b"\xff" * 10))
