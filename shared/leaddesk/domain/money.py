"""A deal's money, as every way in accepts it: the estimated value and its ISO 4217 currency.

One rule for ingest (a qualified lead's `estimated_value`) and the API (accept, edit), so a
value the API would refuse can never arrive through the bus.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, TypeAdapter, WithJsonSchema

from leaddesk.domain import iso_codes

MAX_ESTIMATED_VALUE = Decimal("1e12")


def unsigned_zero(value: Decimal) -> Decimal:
    """Zero without a sign: `-0.0` passes `ge=0` and would be kept and exported as `-0.0`."""
    return value.copy_abs() if value.is_zero() else value


EstimatedValue = Annotated[
    Decimal,
    Field(ge=0, le=MAX_ESTIMATED_VALUE, max_digits=16, decimal_places=2, allow_inf_nan=False),
    AfterValidator(unsigned_zero),
]
ESTIMATED_VALUE: TypeAdapter[Decimal] = TypeAdapter(EstimatedValue)
DEFAULT_CURRENCY = "USD"


_CURRENCIES = frozenset(iso_codes.CURRENCY_CODES)


def currency_code(value: str) -> str:
    """The ISO 4217 code `value` names (any case), or ValueError."""
    code = value.strip().upper()
    if code not in _CURRENCIES:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code


def _a_number(value: Any) -> Any:
    """A person's form sends a JSON number; text is for producers' tolerant ingest only."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("expected a number")
    return value


CURRENCY_CODES = list(iso_codes.CURRENCY_CODES)
# The API's request bodies: a JSON number within the bounds (in cents), an ISO 4217 code; the
# document states exactly that (`multipleOf` is the two decimal places).
AmountSent = Annotated[
    EstimatedValue,
    BeforeValidator(_a_number),
    WithJsonSchema(
        {"type": "number", "minimum": 0, "maximum": float(MAX_ESTIMATED_VALUE), "multipleOf": 0.01}
    ),
]
CurrencySent = Annotated[
    str,
    AfterValidator(currency_code),
    WithJsonSchema({"type": "string", "enum": CURRENCY_CODES, "description": "ISO 4217 (any case)"}),
]
