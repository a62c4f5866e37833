"""The two DynamoDB idioms every caller needs: walking result pages, decoding a cancelled transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError


def pages(call: Callable[..., Any], request: dict[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Each answer of a paginated Query (or Scan), following `LastEvaluatedKey`.

    `request` is used as is, so a caller may adjust it between pages (e.g. its `Limit`).
    """
    while True:
        answer: Mapping[str, Any] = call(**request)
        yield answer
        last_key = answer.get("LastEvaluatedKey")
        if not last_key:
            return
        request["ExclusiveStartKey"] = last_key


def cancellation_reasons(error: ClientError) -> list[Mapping[str, Any]]:
    """Why a TransactWriteItems was cancelled: one reason per item, in request order.

    Any other error is not a cancellation and is raised again.
    """
    if error.response["Error"]["Code"] != "TransactionCanceledException":
        raise error
    return list(error.response.get("CancellationReasons", []))


def codes(reasons: list[Mapping[str, Any]]) -> list[str | None]:
    return [reason.get("Code") for reason in reasons]


def failed_condition(reasons: list[Mapping[str, Any]], index: int) -> bool:
    """Whether item `index` of a cancelled transaction failed its condition."""
    return len(reasons) > index and reasons[index].get("Code") == "ConditionalCheckFailed"


def conflicted(reasons: list[Mapping[str, Any]]) -> bool:
    """Cancelled only because another transaction held one of the items: worth trying again."""
    found = set(codes(reasons)) - {None, "None"}
    return bool(found) and found <= {"TransactionConflict"}
