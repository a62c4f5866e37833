"""Index entries: small items that find a tab's leads by a word of their company name or by a
rare filter value, newest first, reading (nearly) only the leads that match.

A lead's entries are a function of what never changes in its lifecycle (its id, tab, test flag,
company name and the indexed filter values, `leaddesk.domain.list_filters`), so a status change
writes none. One entry per lead and partition:

- word entries: `PK = P#<partner>#T#<tab>#W#<prefix>`, one partition per prefix of each word of
  the name (`leaddesk.domain.words`) at the lengths `PREFIX_LENGTHS`. A value whose word is one
  of those lengths reads its partition exactly; a longer one reads the partition of its longest
  stored prefix and filters on the entry's `words` (the name's word text).
- facet entries: `PK = P#<partner>#T#<tab>#X#<filter>#<value>`, one per indexed filter value the
  lead carries (the filter's common values excepted).

`SK` is the lead id, so a partition reads newest first and a cursor is the lead id, as in the tab's
own index. The keys are deterministic: writing a lead's entries again (an ingest retry) rewrites
the same items. They are written after the lead (BatchWriteItem, outside its transaction): a
reader fetches the leads the entries name (BatchGetItem) and keeps those that match the whole
query (`leaddesk.domain.filters.matches`), so an entry that lags behind its lead never shows a
wrong lead.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from leaddesk.adapters.batching import chunked
from leaddesk.adapters.dynamo.expressions import sort_key_window
from leaddesk.adapters.dynamo.items import item_to_lead
from leaddesk.adapters.dynamo.keys import lead_key, tab_key
from leaddesk.domain.filters import LeadQuery, Order, Sort, matches
from leaddesk.domain.list_filters import LIST_FILTERS, Text
from leaddesk.domain.models import Lead, Tab
from leaddesk.domain.words import WORD_SEPARATOR

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Word prefixes written per word: a value of up to 4 letters (what people type first) reads only
# matches; a longer one reads the partition of its 4-, 6- or 8-letter prefix, filtered.
PREFIX_LENGTHS = (1, 2, 3, 4, 6, 8)
ENTRY_TYPE = "entry"
BATCH_WRITE_LIMIT = 25  # BatchWriteItem's limit per call
BATCH_GET_LIMIT = 100  # BatchGetItem's limit per call
MAX_QUERY_LIMIT = 1000
ATTEMPTS = 6


def word_partition(partner_id: str, tab: Tab, prefix: str) -> str:
    return f"{tab_key(partner_id, tab)}#W#{prefix}"


def facet_partition(partner_id: str, tab: Tab, filter_name: str, value: str) -> str:
    return f"{tab_key(partner_id, tab)}#X#{filter_name}#{value}"


def name_prefixes(word_text: str) -> set[str]:
    """The word-entry prefixes of a name's word text: each word cut at each stored length it reaches."""
    return {
        word[:length]
        for word in word_text.split(WORD_SEPARATOR)
        if word
        for length in PREFIX_LENGTHS
        if length <= len(word)
    }


def entry_items(lead: Lead) -> dict[tuple[str, str], dict[str, Any]]:
    """The lead's entries by (PK, SK): none for a lead of no tab's index (every lead has a tab)."""
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    base = {"SK": {"S": lead.lead_id}, "type": {"S": ENTRY_TYPE}, "is_test": {"BOOL": lead.is_test}}
    for spec in LIST_FILTERS:
        if not spec.indexed:
            continue
        value = spec.value_of(lead)
        if value is None:
            continue
        if isinstance(spec.values, Text):
            for prefix in name_prefixes(value):
                pk = word_partition(lead.partner_id, lead.tab, prefix)
                entries[(pk, lead.lead_id)] = {"PK": {"S": pk}, **base, "words": {"S": value}}
        elif value not in spec.common:
            pk = facet_partition(lead.partner_id, lead.tab, spec.name, value)
            entries[(pk, lead.lead_id)] = {"PK": {"S": pk}, **base}
    return entries


@dataclass(frozen=True)
class _Partition:
    pk: str
    phrase: str | None  # the word text an entry's `words` must contain; None: every entry matches


def entry_partitions(partner_id: str, query: LeadQuery) -> list[_Partition] | None:
    """The partitions that hold every lead of the query (OR over one filter's values), or None
    when entries cannot serve it: another sort than newest/oldest first, the favorites tab (read
    from its own short index), or no filter whose values all have entries.

    The name filter is chosen first (a word is the most selective), then a filter whose entries
    leave out common values (its values are rare by declaration), then any other indexed one.
    """
    if query.sort is not Sort.CREATED_AT or query.tab is Tab.FAVORITES:
        return None
    served = [
        spec
        for spec in LIST_FILTERS
        if spec.name in query.filters and spec.served_by_entries(query.filters[spec.name])
    ]
    if not served:
        return None
    chosen = min(served, key=lambda spec: (not isinstance(spec.values, Text), not spec.common))
    values = sorted(query.filters[chosen.name])
    if not isinstance(chosen.values, Text):
        return [_Partition(facet_partition(partner_id, query.tab, chosen.name, v), None) for v in values]
    partitions = []
    for phrase in values:
        typed = [word for word in phrase.split(WORD_SEPARATOR) if word]
        # Every word but the last is whole, the last a prefix: any of them narrows to a partition;
        # the one with the longest stored prefix narrows most.
        word, length = max(
            ((w, max(n for n in PREFIX_LENGTHS if n <= len(w))) for w in typed), key=lambda pair: pair[1]
        )
        exact = len(typed) == 1 and length == len(word)
        partitions.append(
            _Partition(word_partition(partner_id, query.tab, word[:length]), None if exact else phrase)
        )
    return partitions


@dataclass
class _Reads:
    count: int = 0
    cut: bool = False  # a stream stopped at the budget, with more to read


@dataclass(frozen=True)
class EntryPage:
    leads: list[Lead]
    position: str | None  # the lead id to continue after, when there is more
    items_read: int


class IndexEntries:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._db = client
        self._table = table_name

    # --- writes -------------------------------------------------------------------------------
    def write(self, lead: Lead) -> int:
        """Write the lead's entries (again: the keys are deterministic). Returns how many."""
        entries = entry_items(lead)
        self._batch_write([{"PutRequest": {"Item": item}} for item in entries.values()])
        return len(entries)

    def rewrite(self, before: Lead, after: Lead) -> None:
        """After a change of the lead: remove the entries it no longer has, write the new ones.
        Nothing when its entries are the same (every lifecycle change)."""
        old, new = entry_items(before), entry_items(after)
        if old == new:
            return
        requests: list[dict[str, Any]] = [
            {"DeleteRequest": {"Key": {"PK": {"S": pk}, "SK": {"S": sk}}}}
            for pk, sk in old.keys() - new.keys()
        ]
        requests += [{"PutRequest": {"Item": item}} for key, item in new.items() if old.get(key) != item]
        self._batch_write(requests)

    def _batch_write(self, requests: list[dict[str, Any]]) -> None:
        for chunk in chunked(requests, BATCH_WRITE_LIMIT):
            pending: dict[str, Any] = {self._table: chunk}
            for attempt in range(ATTEMPTS):
                pending = dict(self._db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {})
                if not pending:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise RuntimeError(
                    f"DynamoDB left index entries unwritten after {ATTEMPTS} BatchWriteItem attempts"
                )

    # --- reads --------------------------------------------------------------------------------
    def page(
        self,
        partner_id: str,
        query: LeadQuery,
        partitions: list[_Partition],
        limit: int,
        after: str | None,
        low: str | None,
        high: str | None,
        budget: int,
    ) -> EntryPage:
        """One page of the query from its entries: the lead ids newest first (or oldest) within
        [low, high], after the cursor's lead id, the leads fetched and kept when they match."""
        descending = query.order is Order.DESC
        reads = _Reads()
        # Enough for the page and one more (is there a next page?), and the cursor's own lead.
        first = math.ceil((limit + 1) / len(partitions)) + (1 if after is not None else 0)
        streams = [self._lead_ids(p, query, low, high, descending, first, budget, reads) for p in partitions]
        # A merge asks a stream for its next item as soon as it hands one on: with one partition,
        # read it directly, so that handing on where a read ended never starts the next read.
        merged = streams[0] if len(streams) == 1 else heapq.merge(*streams, reverse=descending)
        candidates = _distinct(merged, skip=after)
        found: list[Lead] = []
        examined = kept = 0
        last: str | None = None  # the position read up to
        more = True
        while len(found) < limit and reads.count < budget:
            # Fetch as many as should yield the rest of the page, by the share kept so far.
            wanted = math.ceil((limit - len(found)) * (examined + 1) / (kept + 1))
            chunk = list(islice(candidates, min(wanted, BATCH_GET_LIMIT)))
            if not chunk:
                more = reads.cut
                break
            if reads.cut:  # stop where a stream stopped: it may hold more before what follows
                stop = next((i for i, (_, entry) in enumerate(chunk) if not entry), len(chunk) - 1)
                chunk = chunk[: stop + 1]
            leads = self._get_leads(partner_id, [key for key, entry in chunk if entry], reads)
            for index, (key, entry) in enumerate(chunk):
                last = key
                if not entry:  # where a stream's read ended
                    if reads.cut:
                        return EntryPage(found, key, reads.count)
                    continue
                examined += 1
                lead = leads.get(key)
                if lead is not None and matches(lead, query):
                    kept += 1
                    found.append(lead)
                    if len(found) == limit:
                        # another id, or where a read ended with more to read (one more pull:
                        # the next id is already read, or the read's end is, never a new read)
                        more = index < len(chunk) - 1 or next(candidates, None) is not None
                        break
        return EntryPage(found, last if more and last is not None else None, reads.count)

    def _lead_ids(
        self,
        partition: _Partition,
        query: LeadQuery,
        low: str | None,
        high: str | None,
        descending: bool,
        first: int,
        budget: int,
        reads: _Reads,
    ) -> Iterator[tuple[str, bool]]:
        """(lead id, True) per entry in key order, and (sort key, False) where each read ended;
        the stream stops there once the page's budget is spent (`reads.cut`)."""
        names = {"#pk": "PK"}
        values: dict[str, Any] = {":pk": {"S": partition.pk}}
        key_condition = "#pk = :pk"
        key_condition += sort_key_window("SK", low, high, names, values)
        filters = []
        if partition.phrase is not None:
            names["#words"] = "words"
            values[":phrase"] = {"S": partition.phrase}
            filters.append("contains(#words, :phrase)")
        if not query.include_test:
            names["#test"] = "is_test"
            values[":false"] = {"BOOL": False}
            filters.append("#test = :false")
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeNames": names | {"#id": "SK"},
            "ExpressionAttributeValues": values,
            "ProjectionExpression": "#id",
            "ScanIndexForward": not descending,
            "Limit": min(first, MAX_QUERY_LIMIT),
        }
        if filters:
            request["FilterExpression"] = " AND ".join(filters)
        while True:
            answer = self._db.query(**request)
            reads.count += answer.get("ScannedCount", 0)
            for item in answer.get("Items", []):
                yield item["SK"]["S"], True
            last_key = answer.get("LastEvaluatedKey")
            if not last_key:
                return
            # Where this read ended: what comes next is read only when asked for (a merge asks
            # for the next item of a stream as soon as it hands one on).
            yield last_key["SK"]["S"], False
            if reads.count >= budget:
                reads.cut = True
                return
            request["ExclusiveStartKey"] = last_key
            request["Limit"] = min(request["Limit"] * 2, MAX_QUERY_LIMIT)

    def _get_leads(self, partner_id: str, lead_ids: list[str], reads: _Reads) -> dict[str, Lead]:
        request: dict[str, Any] = {
            self._table: {"Keys": [lead_key(partner_id, lead_id) for lead_id in lead_ids]}
        }
        leads: dict[str, Lead] = {}
        if not lead_ids:  # a chunk of read ends only
            return leads
        for attempt in range(ATTEMPTS):
            answer = self._db.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(self._table, []):
                reads.count += 1
                lead = item_to_lead(item)
                leads[lead.lead_id] = lead
            request = dict(answer.get("UnprocessedKeys") or {})
            if not request:
                return leads
            time.sleep(0.05 * 2**attempt)
        raise RuntimeError(f"DynamoDB left leads unread after {ATTEMPTS} BatchGetItem attempts")


def _distinct(keys: Iterator[tuple[str, bool]], skip: str | None) -> Iterator[tuple[str, bool]]:
    """The merged partitions' lead ids once each (a lead in two of them comes twice in a row),
    the cursor's own lead left out."""
    previous = None
    for key, entry in keys:
        if not entry:
            yield key, entry
        elif key not in (previous, skip):
            yield key, entry
            previous = key
