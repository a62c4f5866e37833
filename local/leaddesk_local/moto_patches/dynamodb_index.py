"""DynamoDB: the partitions of a table and of its global indexes, kept in key order, so that a
`Query` reads one partition's range instead of walking and sorting the whole table."""

from __future__ import annotations

import bisect
import copy
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

RESULT_SIZE_LIMIT = 1_000_000  # moto's (and DynamoDB's) 1 MB page size


# --- partitions of the table and of its global indexes, kept in key order ---------------------
def _cast(value: Any) -> Any:
    """A DynamoType's value as Python orders it (moto compares `cast_value`)."""
    if value is None:
        return None
    return Decimal(value.value) if value.type == "N" else value.value


class _Partition:
    """One partition's items in sort order: `keys` (the sort value alone, for range bounds) and
    `entries` (sort value, table hash, table range: a total order, as moto sorts)."""

    __slots__ = ("entries", "keys")

    def __init__(self) -> None:
        self.keys: list[Any] = []
        self.entries: list[tuple[Any, ...]] = []

    def add(self, entry: tuple[Any, ...]) -> None:
        position = bisect.bisect_left(self.entries, entry)
        self.entries.insert(position, entry)
        self.keys.insert(position, entry[0])

    def remove(self, entry: tuple[Any, ...]) -> None:
        position = bisect.bisect_left(self.entries, entry)
        if position < len(self.entries) and self.entries[position] == entry:
            del self.entries[position]
            del self.keys[position]


class _Partitions:
    """Every partition of a table and of its global secondary indexes, with, per item, the
    entries it has, so a write moves exactly its own."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.layouts: dict[str | None, tuple[str, str | None]] = {
            None: (table.hash_key_attr, table.range_key_attr)
        }
        for index in table.global_indexes:
            hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
            ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
            if len(hashes) == 1 and len(ranges) <= 1:
                self.layouts[index.name] = (hashes[0], ranges[0] if ranges else None)
        self.partitions: dict[tuple[str | None, Any], _Partition] = {}
        self.held: dict[tuple[Any, Any], list[tuple[tuple[str | None, Any], tuple[Any, ...]]]] = {}
        for item in table.all_items():
            self.add(item)

    def _entries(self, item: Any) -> Iterator[tuple[tuple[str | None, Any], tuple[Any, ...]]]:
        table_hash, table_range = _cast(item.hash_key), _cast(item.range_key)
        for name, (hash_attr, range_attr) in self.layouts.items():
            hash_value = item.attrs.get(hash_attr)
            if not hash_value:
                continue
            if range_attr is not None:
                range_value = item.attrs.get(range_attr)
                if not range_value:
                    continue  # a sparse index: an item lacking a key attribute is not in it
                first = _cast(range_value)
            else:
                first = table_range if name is None else table_hash
            partition = (name, (hash_value.type, _hashable(hash_value.value)))
            yield partition, (first, table_hash, table_range)

    def add(self, item: Any) -> None:
        key = (item.hash_key, item.range_key)
        held = list(self._entries(item))
        for partition, entry in held:
            self.partitions.setdefault(partition, _Partition()).add(entry)
        self.held[key] = held

    def remove(self, hash_key: Any, range_key: Any) -> None:
        for partition, entry in self.held.pop((hash_key, range_key), []):
            self.partitions[partition].remove(entry)

    def refresh(self, hash_key: Any, range_key: Any) -> None:
        """After any write to this key: the item's entries as it is now (none once deleted)."""
        self.remove(hash_key, range_key)
        item = (
            self.table.get_item(hash_key, range_key) if range_key is not None else _get(self.table, hash_key)
        )
        if item is not None:
            self.add(item)


def _get(table: Any, hash_key: Any) -> Any:
    found = table.items.get(hash_key)
    return found if found is not None and not isinstance(found, dict) else None


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str | bytes) else repr(value)


def table_partitions(table: Any) -> _Partitions:
    found: _Partitions | None = table.__dict__.get("_leaddesk_partitions")
    if found is None:
        found = _Partitions(table)
        table.__dict__["_leaddesk_partitions"] = found
    return found


def _bounds(keys: list[Any], comparison: str | None, values: list[Any]) -> tuple[int, int] | None:
    """The slice of `keys` a sort-key condition selects (None: not expressible as a slice)."""
    low, high = 0, len(keys)
    if comparison is None:
        return low, high
    operands = [_cast(value) for value in values]
    if comparison in ("=", "EQ"):
        return bisect.bisect_left(keys, operands[0]), bisect.bisect_right(keys, operands[0])
    if comparison in ("<", "LT"):
        return low, bisect.bisect_left(keys, operands[0])
    if comparison in ("<=", "LE"):
        return low, bisect.bisect_right(keys, operands[0])
    if comparison in (">", "GT"):
        return bisect.bisect_right(keys, operands[0]), high
    if comparison in (">=", "GE"):
        return bisect.bisect_left(keys, operands[0]), high
    if comparison == "BETWEEN":
        return bisect.bisect_left(keys, operands[0]), bisect.bisect_right(keys, operands[1])
    if comparison == "BEGINS_WITH" and isinstance(operands[0], str) and operands[0]:
        prefix: str = operands[0]
        end = high
        if prefix[-1] != "\U0010ffff":  # every string with the prefix sorts before its successor
            end = bisect.bisect_left(keys, prefix[:-1] + chr(ord(prefix[-1]) + 1))
        return bisect.bisect_left(keys, prefix), end
    return None


def index_partitions() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    original_query = Table.query
    original_put = Table.put_item
    original_delete = Table.delete_item
    original_update = DynamoDBBackend.update_item

    def put_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        item = original_put(self, *args, **kwargs)
        table_partitions(self).refresh(item.hash_key, item.range_key)
        return item

    def delete_item(self: Any, hash_key: Any, range_key: Any) -> Any:
        item = original_delete(self, hash_key, range_key)
        if item is not None:
            table_partitions(self).refresh(item.hash_key, item.range_key)
        return item

    def update_item(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        item = original_update(self, table_name, *args, **kwargs)
        table_partitions(self.get_table(table_name)).refresh(item.hash_key, item.range_key)
        return item

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        answered = _query_partition(self, *args, **kwargs)
        return answered if answered is not None else original_query(self, *args, **kwargs)

    Table.query = query  # type: ignore[method-assign]
    Table.put_item = put_item  # type: ignore[method-assign]
    Table.delete_item = delete_item  # type: ignore[method-assign]
    DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]


def _query_partition(
    table: Any,
    hash_key: Any,
    range_comparison: str | None,
    range_objs: list[Any],
    limit: int,
    exclusive_start_key: dict[str, Any] | None,
    scan_index_forward: bool,
    projection_expressions: list[list[str]] | None,
    index_name: str | None = None,
    consistent_read: bool = False,
    filter_expression: Any = None,
    hash_key_conditions: list[tuple[str, Any]] | None = None,
    range_key_conditions: list[tuple[str, str, list[Any]]] | None = None,
    **filter_kwargs: Any,
) -> tuple[list[Any], int, dict[str, Any] | None] | None:
    """moto's Query, answered from the partition (None: a shape left to moto — legacy
    KeyConditions, local indexes, multi-attribute keys, consistent reads of an index)."""
    partitions = table_partitions(table)
    if filter_kwargs or index_name not in partitions.layouts or (index_name and consistent_read):
        return None
    hash_attr, range_attr = partitions.layouts[index_name]
    wanted = hash_key
    if index_name is not None:
        if not hash_key_conditions or len(hash_key_conditions) != 1 or hash_key_conditions[0][0] != hash_attr:
            return None
        wanted = hash_key_conditions[0][1]
    if wanted is None:
        return None
    if range_key_conditions and (len(range_key_conditions) > 1 or range_key_conditions[0][0] != range_attr):
        return None
    partition = partitions.partitions.get((index_name, (wanted.type, _hashable(wanted.value))))
    keys, entries = (partition.keys, partition.entries) if partition else ([], [])
    bounds = _bounds(keys, range_comparison, range_objs)
    if bounds is None:
        return None
    low, high = bounds
    if exclusive_start_key:
        start = _start_entry(table, index_name, range_attr, exclusive_start_key)
        if scan_index_forward:
            low = max(low, bisect.bisect_right(entries, start))
        else:
            high = min(high, bisect.bisect_left(entries, start))
    positions = range(low, high) if scan_index_forward else range(high - 1, low - 1, -1)
    results: list[Any] = []
    size = 0
    last_evaluated_key = None
    for position in positions:
        _, table_hash, table_range = entries[position]
        item = _item_at(table, table_hash, table_range)
        if len(results) == limit or size + item.size() > RESULT_SIZE_LIMIT:
            last_evaluated_key = table._get_last_evaluated_key(results[-1], index_name)
            break
        results.append(item)
        size += item.size()
    scanned = len(results)  # ScannedCount: what the key selected, before the filter
    results = copy.deepcopy(results)
    if index_name:
        index = table.get_index(index_name)
        results = [index.project(result) for result in results]
    if filter_expression is not None:
        results = [result for result in results if filter_expression.expr(result)]
    if projection_expressions:
        results = [result.project(projection_expressions) for result in results]
    return results, scanned, last_evaluated_key


def _item_at(table: Any, table_hash: Any, table_range: Any) -> Any:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_key = DynamoType({table.hash_key_type: _raw(table_hash)})
    if table.range_key_attr is None:
        return table.items[hash_key]
    return table.items[hash_key][DynamoType({table.range_key_type: _raw(table_range)})]


def _start_entry(
    table: Any, index_name: str | None, range_attr: str | None, start: dict[str, Any]
) -> tuple[Any, ...]:
    """Where an ExclusiveStartKey sits in a partition's order."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    table_hash = _cast(DynamoType(start[table.hash_key_attr]))
    table_range = _cast(DynamoType(start[table.range_key_attr])) if table.range_key_attr else None
    if range_attr is not None:
        first = _cast(DynamoType(start[range_attr]))
    else:
        first = table_range if index_name is None else table_hash
    return (first, table_hash, table_range)


def _raw(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value
