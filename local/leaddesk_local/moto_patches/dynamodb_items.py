"""DynamoDB items: built in linear time, transactions that roll back the items they touched
(not whole tables), reads answered as the JSON the items already are."""

from __future__ import annotations

import copy
from typing import Any

from leaddesk_local.moto_patches.dynamodb_index import table_partitions


# --- building an item --------------------------------------------------------------------------
def build_items_in_linear_time() -> None:
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


# --- transactions roll back the items they touched, not whole tables --------------------------
def snapshot_items_not_tables() -> None:
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
        table_partitions(table).refresh(hash_key, range_key)


# --- DynamoDB reads: items answered as the JSON they already are --------------------------------
# Answers of these operations hold only items (DynamoDB JSON), counts, keys and capacities: the
# shape-driven serializer gives exactly `json.dumps` of them, binary values in base64.
_ITEM_READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan"})
SHAPE_DRIVEN: dict[str, Any] = {}  # moto's own serialization, kept for the patch's test


def answer_reads_as_json() -> None:
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
