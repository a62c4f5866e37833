"""What moto needs to hold a LeadDesk workload at volume, in one place (local stack only).

Measured on moto 5.2.5 with 1,000 leads through the local stack: 3 leads/s end to end and
10 GB of memory, because moto

- keeps every model instance it ever created alive for its dashboard (`BaseModel.__new__`
  appends each one to a class list: every DynamoDB item version, every SQS message);
- deep-copies every table a transaction touches, once per `TransactWriteItems`, to roll back;
- answers each DynamoDB `Query` by walking and sorting the whole table;
- recomputes every queue attribute (a pass over all messages) on each `SendMessage`, and
  materialises the list of visible messages on each `ReceiveMessage` and `DeleteMessage`;
- re-measures an item's size on every attribute it sets while building it (quadratic);
- builds a new jsonpath parser (a yacc grammar, ~18 ms) for every path of every event an
  EventBridge rule delivers;
- lists its own package directory (a stat of every service folder) on every request it
  serves, to tell which service a request is for;
- turns every DynamoDB read answer into JSON by walking the service's shape model attribute
  by attribute (about 5 ms per item: a page of 500 leads took 2.5 s to answer), although
  the items it holds are already in DynamoDB's JSON form.

Each patch below replaces one of those with bookkeeping that gives the same answers —
conditions, cancellation reasons, index order, paging, visibility, redrive — which
`tests/local/test_moto_patches.py` pins, patch by patch. `apply()` refuses any other moto
version than the one they were written for.
"""

from __future__ import annotations

import bisect
import copy
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import moto

MOTO_VERSION = "5.2.5"  # the version these patches were written for (pinned in pyproject.toml)
RESULT_SIZE_LIMIT = 1_000_000  # moto's (and DynamoDB's) 1 MB page size

_state = {"applied": False}
_lock = threading.Lock()


class UnsupportedMoto(RuntimeError):
    pass


def apply() -> None:
    """Patch moto in this process (idempotent)."""
    with _lock:
        if _state["applied"]:
            return
        if moto.__version__ != MOTO_VERSION:
            raise UnsupportedMoto(
                f"the local stack's moto patches were written for moto {MOTO_VERSION}, "
                f"but moto {moto.__version__} is installed; run `make clean run` to reinstall "
                "the pinned version"
            )
        _stop_instance_tracking()
        _build_items_in_linear_time()
        _index_partitions()
        _snapshot_items_not_tables()
        _queue_bookkeeping()
        _parse_event_paths_once()
        _list_services_once()
        _answer_reads_as_json()
        _state["applied"] = True


# --- 1. instance tracking -------------------------------------------------------------------------
# Models whose instances moto's reset must still find (it closes their spooled temporary files).
_STILL_TRACKED = frozenset({"FakeKey", "FakeMultipart"})


def _stop_instance_tracking() -> None:
    from moto.core.common_models import BaseModel

    def untracked_new(cls: Any, *args: Any, **kwargs: Any) -> Any:
        instance: Any = object.__new__(cls)
        if cls.__name__ in _STILL_TRACKED:
            cls.instances_tracked.append(instance)
        return instance

    BaseModel.__new__ = untracked_new  # type: ignore[method-assign]


# --- 2. building an item --------------------------------------------------------------------------
def _build_items_in_linear_time() -> None:
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    def init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
        self.hash_key = hash_key
        self.range_key = range_key
        typed = {key: DynamoType(value) for key, value in attrs.items()}
        if sum(bytesize(key) + value.size() for key, value in typed.items()) > 405000:
            raise ItemSizeTooLarge  # the limit LimitedSizeDict applies, measured once
        self.attrs = LimitedSizeDict()
        dict.update(self.attrs, typed)

    Item.__init__ = init  # type: ignore[method-assign]


# --- 3. partitions of the table and of its global indexes, kept in key order ---------------------
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


def _partitions(table: Any) -> _Partitions:
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


def _index_partitions() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    original_query = Table.query
    original_put = Table.put_item
    original_delete = Table.delete_item
    original_update = DynamoDBBackend.update_item

    def put_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        item = original_put(self, *args, **kwargs)
        _partitions(self).refresh(item.hash_key, item.range_key)
        return item

    def delete_item(self: Any, hash_key: Any, range_key: Any) -> Any:
        item = original_delete(self, hash_key, range_key)
        if item is not None:
            _partitions(self).refresh(item.hash_key, item.range_key)
        return item

    def update_item(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        item = original_update(self, table_name, *args, **kwargs)
        _partitions(self.get_table(table_name)).refresh(item.hash_key, item.range_key)
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
    partitions = _partitions(table)
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


# --- 4. transactions roll back the items they touched, not whole tables --------------------------
def _snapshot_items_not_tables() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign, assignment]


class _ConditionFailed(Exception):
    """An item's condition failed; carries the item as it was (for ALL_OLD), or None."""

    def __init__(self, old: dict[str, Any] | None) -> None:
        super().__init__("The conditional request failed")
        self.old = old


def _transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
    """moto's TransactWriteItems, but what it keeps to roll back is a copy of each item it is
    about to write (or None), not a deep copy of every table the transaction names."""
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    snapshots: dict[tuple[str, Any, Any], Any] = {}  # (table, hash, range) → the item before, or None
    targets: set[tuple[str, str]] = set()
    errors: list[tuple[Any, Any, Any]] = []
    for entry in transact_items:
        try:
            _transact_one(backend, entry, targets, snapshots)
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            _restore(backend, snapshots)
            raise
        except _ConditionFailed as refused:
            errors.append(("ConditionalCheckFailed", str(ConditionalCheckFailed().message), refused.old))
        except Exception as error:
            errors.append((type(error).__name__, str(error), None))
    if any(code is not None for code, _, _ in errors):
        _restore(backend, snapshots)
        raise TransactionCanceledException(errors)


def _transact_one(
    backend: Any,
    entry: dict[str, Any],
    targets: set[tuple[str, str]],
    snapshots: dict[tuple[str, Any, Any], Any],
) -> None:
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import MultipleTransactionsException, TransactWriteSingleOpException
    from moto.dynamodb.models.dynamo_type import DynamoType

    if len(entry) > 1:
        raise TransactWriteSingleOpException
    op_type, op = next(iter(entry.items()))
    if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
        raise ValueError("Unsupported transaction operation")
    table_name = op["TableName"]
    table = backend.get_table(table_name)
    condition = op.get("ConditionExpression")
    names = op.get("ExpressionAttributeNames")
    values = op.get("ExpressionAttributeValues")
    if op_type == "Put":
        key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
        if table.range_key_attr is not None:
            key[table.range_key_attr] = op["Item"][table.range_key_attr]
    else:
        key = op["Key"]
    unique = (str(table_name), str(dict(sorted(key.items()))))
    if unique in targets:
        raise MultipleTransactionsException()
    targets.add(unique)
    current = backend.get_item(table_name, key)
    if condition is not None and not get_filter_expression(condition, names, values).expr(current):
        old = None
        if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
            old = current.to_json()["Attributes"]
        raise _ConditionFailed(old)
    hash_key = DynamoType(key[table.hash_key_attr])
    range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    snapshots.setdefault((table_name, hash_key, range_key), copy.deepcopy(current))
    expressions = {
        "condition_expression": condition,
        "expression_attribute_names": names,
        "expression_attribute_values": values,
    }
    if op_type == "Put":
        backend.put_item(table_name, op["Item"], **expressions)
    elif op_type == "Delete":
        backend.delete_item(table_name, key, **expressions)
    elif op_type == "Update":
        backend.update_item(table_name, key, update_expression=op["UpdateExpression"], **expressions)


def _restore(backend: Any, snapshots: dict[tuple[str, Any, Any], Any]) -> None:
    for (table_name, hash_key, range_key), before in snapshots.items():
        table = backend.get_table(table_name)
        if range_key is None:
            if before is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = before
        elif before is None:
            table.items[hash_key].pop(range_key, None)
        else:
            table.items[hash_key][range_key] = before
        _partitions(table).refresh(hash_key, range_key)


# --- 5. queues: no pass over every message per request ---------------------------------------------
def _queue_bookkeeping() -> None:
    from moto.core.utils import unix_time
    from moto.sqs.models import Queue, SQSBackend

    original_send = SQSBackend.send_message
    original_receive = SQSBackend.receive_message
    attributes: Any = Queue.attributes
    messages: Any = Queue.messages
    local = threading.local()

    def send_message(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        local.sending = self.get_queue(queue_name)
        try:
            return original_send(self, queue_name, *args, **kwargs)
        finally:
            local.sending = None

    def receive_message(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        local.receiving = self.get_queue(queue_name)
        try:
            return original_receive(self, queue_name, *args, **kwargs)
        finally:
            local.receiving = None

    def quick_attributes(self: Any) -> dict[str, Any]:
        # A send reads one attribute through `attributes`, which would count every message.
        if getattr(local, "sending", None) is self:
            deduplication = bool(getattr(self, "content_based_deduplication", False))
            return {"ContentBasedDeduplication": str(deduplication).lower()}
        return dict(attributes.fget(self))

    def lazy_messages(self: Any) -> Any:
        # A receive walks `messages` from the head and stops at the tenth visible one.
        if getattr(local, "receiving", None) is self:
            return _VisibleFromTheHead(self)
        return messages.fget(self)

    def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
        # moto computed every attribute of the queue (counting its messages) per message received.
        retention = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention + message.sent_timestamp / 1000 > unix_time())

    def delete_message(self: Any, receipt_handle: str) -> None:
        from moto.sqs.exceptions import ReceiptHandleIsInvalid

        if receipt_handle in self.deleted_messages:
            return  # already deleted: SQS accepts it again
        for position, message in enumerate(self._messages):  # consumers delete near the head
            if message.had_receipt_handle(receipt_handle):
                del self._messages[position]
                self.pending_messages.discard(message)
                self.deleted_messages.update(message.all_receipt_handles)
                return
        raise ReceiptHandleIsInvalid()

    SQSBackend.send_message = send_message  # type: ignore[method-assign]
    SQSBackend.receive_message = receive_message  # type: ignore[method-assign]
    SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period  # type: ignore[method-assign]
    Queue.delete_message = delete_message  # type: ignore[method-assign]
    Queue.attributes = property(quick_attributes)  # type: ignore[assignment, method-assign]
    Queue.messages = property(lazy_messages)  # type: ignore[assignment, method-assign]


class _VisibleFromTheHead:
    """The visible, undelayed messages of a queue, found while iterating from the head (moto
    moves messages to the dead-letter queue only after its walk, so the list holds still)."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    def __iter__(self) -> Iterator[Any]:
        for message in self._queue._messages:
            if message.visible and not message.delayed:
                yield message

    def __bool__(self) -> bool:
        return any(True for _ in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


# --- 6. EventBridge: a path's parser built once ------------------------------------------------------
def _parse_event_paths_once() -> None:
    from functools import lru_cache

    import jsonpath_ng.ext

    jsonpath_ng.ext.parse = lru_cache(maxsize=512)(jsonpath_ng.ext.parse)  # type: ignore[attr-defined]


# --- 7. the server: which services exist, listed once ---------------------------------------------
def _list_services_once() -> None:
    from moto import backends

    services = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: services  # the folders moto ships do not change


# --- 8. DynamoDB reads: items answered as the JSON they already are --------------------------------
# Answers of these operations hold only items (DynamoDB JSON), counts, keys and capacities: the
# shape-driven serializer gives exactly `json.dumps` of them, binary values in base64.
_ITEM_READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan"})
SHAPE_DRIVEN: dict[str, Any] = {}  # moto's own serialization, kept for the patch's test


def _answer_reads_as_json() -> None:
    import base64
    import json

    from moto.dynamodb.responses import DynamoResult

    shape_driven = SHAPE_DRIVEN["execute_result"] = DynamoResult.execute_result

    def binary(value: Any) -> str:
        if isinstance(value, bytes):
            return base64.b64encode(value).decode()
        raise TypeError(f"{type(value).__name__} in a DynamoDB read answer")

    def execute_result(self: Any, context: Any) -> Any:
        if context.operation_model.name not in _ITEM_READS:
            return shape_driven(self, context)
        content_type = f"application/x-amz-json-{context.service_model.metadata['jsonVersion']}"
        return 200, {"Content-Type": content_type}, json.dumps(self.result, default=binary)

    DynamoResult.execute_result = execute_result  # type: ignore[method-assign]
