"""A refused message's first problem, as every dead letter names it."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError, model_validator

from leaddesk.domain.problems import first_problem


class Inner(BaseModel):
    count: int


class Outer(BaseModel):
    items: list[Inner]


class Whole(BaseModel):
    a: int = 0

    @model_validator(mode="after")
    def refuse(self) -> Whole:
        raise ValueError("never")


def refusal(model: type[BaseModel], data: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return caught.value


def test_the_first_problem_names_its_dotted_location_and_message() -> None:
    field, reason = first_problem(refusal(Outer, {"items": [{"count": 1}, {"count": "x"}]}))
    assert field == "items.1.count" and "integer" in reason


def test_a_problem_of_the_whole_message_is_named_by_the_default() -> None:
    error = refusal(Whole, {})
    assert first_problem(error) == ("body", "Value error, never")
    assert first_problem(error, default="")[0] == ""
