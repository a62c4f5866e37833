"""The capacity bench's meter prices writes by DynamoDB's rules (docs/scaling.md builds on it)."""

from __future__ import annotations

from typing import Any

from bench.capacity import IndexSpec, index_write_units, item_size, table_indexes, write_units

from leaddesk_local.template import Template

BY_STATUS = IndexSpec("ByStatus", ("GSI2PK", "GSI2SK"), "INCLUDE", frozenset({"status", "name"}))
EVERYTHING = IndexSpec("Everything", ("GSI1PK", "GSI1SK"), "ALL")
KEYS = IndexSpec("Due", ("DUEPK", "DUESK"), "KEYS_ONLY")


def lead(**attributes: str) -> dict[str, Any]:
    item = {
        "PK": {"S": "P#p"},
        "SK": {"S": "L#1"},
        "GSI1PK": {"S": "P#p#T#marketplace"},
        "GSI1SK": {"S": "1"},
        "GSI2PK": {"S": "P#p#T#marketplace#S#received"},
        "GSI2SK": {"S": "1"},
        "status": {"S": "received"},
        "name": {"S": "Contoso"},
        "doc": {"S": "x" * 100},
    }
    item.update({name: {"S": value} for name, value in attributes.items()})
    return item


def test_an_item_entering_or_leaving_an_index_costs_its_entry_size() -> None:
    big = lead(doc="x" * 2800)
    assert index_write_units(EVERYTHING, {}, big) == 3  # the whole item, 3 KB
    assert index_write_units(BY_STATUS, {}, big) == 1  # only keys + status + name
    assert index_write_units(BY_STATUS, big, {}) == 1
    assert index_write_units(KEYS, {}, big) == 0  # not in the sparse index


def test_a_key_change_is_a_delete_and_a_put() -> None:
    before, after = lead(), lead(GSI2PK="P#p#T#marketplace#S#accepted", status="accepted")
    assert index_write_units(BY_STATUS, before, after) == 2
    assert index_write_units(EVERYTHING, before, after) == 1  # its key did not change


def test_an_update_costs_an_index_only_what_it_changes_of_the_entry() -> None:
    before = lead()
    assert index_write_units(BY_STATUS, before, lead(doc="y" * 100)) == 0  # doc is not projected
    assert index_write_units(EVERYTHING, before, lead(doc="y" * 100)) == 1
    assert index_write_units(BY_STATUS, before, lead(name="Fabrikam")) == 1
    assert index_write_units(EVERYTHING, before, before) == 0


def test_the_table_item_costs_the_larger_of_old_and_new_doubled_in_a_transaction() -> None:
    small, large = lead(), lead(doc="x" * 1500)
    assert write_units([], small, large, transactional=False) == 2
    assert write_units([], large, small, transactional=False) == 2
    assert write_units([], small, large, transactional=True) == 4
    assert write_units([EVERYTHING, BY_STATUS], small, large, transactional=True) == 4 + 2 + 0


def test_sizes_follow_dynamodb() -> None:
    assert item_size({"ab": {"S": "héllo"}}) == 2 + 6
    assert item_size({"n": {"N": "12345"}}) == 1 + 3
    assert item_size({"b": {"B": "AAECAw=="}}) == 1 + 4  # base64 of 4 raw bytes


def test_the_indexes_and_projections_come_from_the_template() -> None:
    indexes = {spec.name: spec for spec in table_indexes(Template.load().resources["LeadsTable"])}
    assert {"ByTab", "ByTabStatus", "DueByShard"} <= indexes.keys()
    assert indexes["ByTab"].keys == ("GSI1PK", "GSI1SK")
