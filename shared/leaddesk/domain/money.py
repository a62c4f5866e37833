"""A deal's money, as every way in accepts it: the estimated value and its ISO 4217 currency.

One rule for ingest (a qualified lead's `estimated_value`) and the API (accept, edit), so a
value the API would refuse can never arrive through the bus.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import pycountry
from pydantic import Field, TypeAdapter

MAX_ESTIMATED_VALUE = Decimal("1e12")
EstimatedValue = Annotated[
    Decimal,
    Field(ge=0, le=MAX_ESTIMATED_VALUE, max_digits=16, decimal_places=2, allow_inf_nan=False),
]
ESTIMATED_VALUE: TypeAdapter[Decimal] = TypeAdapter(EstimatedValue)
DEFAULT_CURRENCY = "USD"


def currency_code(value: str) -> str:
    """The ISO 4217 code `value` names (any case), or ValueError."""
    code = value.strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code
