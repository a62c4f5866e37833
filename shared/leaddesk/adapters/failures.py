"""Failures of AWS requests as services see them: whether trying the same request again can help.

botocore's errors stay in the adapters. An adapter whose caller must tell a hopeless request
from a passing fault raises one of these, with botocore's error as its cause.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class PermanentFailure(Exception):
    """A request AWS refused for its content (validation, serialisation, encoding): the same
    request fails again on every try."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientStoreError(Exception):
    """A write the store could not make this time (throttling, a 5xx, a conflicting transaction):
    worth trying again."""


# Errors AWS answers for a request that can never succeed as it is: retrying only repeats them.
_PERMANENT_CODES = frozenset({"ValidationException", "SerializationException", "InvalidParameterValue"})


def permanent_failure(error: BaseException) -> str | None:
    """Why a request failed for good (its content, not the service's state), or None when it is
    worth retrying (throttling, a 5xx, a timeout, a conflicting transaction)."""
    from botocore.exceptions import ClientError, ParamValidationError

    if isinstance(error, UnicodeError | ParamValidationError):
        return f"the request cannot be encoded ({type(error).__name__}: {error})"
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        reasons = [str(r.get("Code")) for r in error.response.get("CancellationReasons", []) or []]
        if code in _PERMANENT_CODES or "ValidationError" in reasons:
            message = error.response.get("Error", {}).get("Message", "")
            return f"refused by {error.operation_name}: {code} {message}".strip()
    return None


@contextmanager
def permanent_failures() -> Iterator[None]:
    """Raise a hopeless request's error as PermanentFailure; any other error as it is."""
    try:
        yield
    except Exception as error:
        reason = permanent_failure(error)
        if reason is not None:
            raise PermanentFailure(reason) from error
        raise
