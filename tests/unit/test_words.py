"""The words of a company name (`leaddesk.domain.words`): the one reading of a name that the
lead's attribute, the query and the word index share."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leaddesk.adapters.dynamo.index_entries import PREFIX_LENGTHS, entry_partitions, name_prefixes
from leaddesk.domain.filters import LeadQuery
from leaddesk.domain.words import is_word_prefix, word_text, words


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Fabrikam Inc.", ["fabrikam", "inc"]),
        ("Société Générale S.A.", ["societe", "generale", "s", "a"]),
        ("ÅNGSTRÖM-Łódź Kft.", ["angstrom", "lodz", "kft"]),
        ("Straße & Søn GmbH", ["strasse", "son", "gmbh"]),
        ("Ｆａｂｒｉｋａｍ ﬁne", ["fabrikam", "fine"]),  # full-width letters, a ligature: NFKD
        ("Tailspin_Toys 42", ["tailspin", "toys", "42"]),
        ("İstanbul Çay A.Ş.", ["istanbul", "cay", "a", "s"]),
        ("  --  ", []),
        ("", []),
    ],
)
def test_words_are_accent_and_case_free_runs_of_letters_and_digits(name: str, expected: list[str]) -> None:
    assert words(name) == expected


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("fab", True),
        ("INC", True),
        ("inc.", True),
        ("fabrikam inc", True),
        ("fabrikam in", True),
        ("rik", False),  # not the start of a word
        ("kam inc", False),
        ("inc fabrikam", False),  # words in the name's order
        ("fabrikam  inc", True),  # separators are not compared
        ("", False),
    ],
)
def test_a_value_finds_a_name_when_its_words_start_at_a_word(typed: str, found: bool) -> None:
    assert is_word_prefix(typed, "Fabrikam Inc.") is found


def test_accents_and_case_typed_or_not_find_the_same_names() -> None:
    for typed in ("société", "SOCIETE", "societe gén", "Generale s.a"):
        assert is_word_prefix(typed, "Société Générale S.A.")
    assert word_text("Société Générale") == " societe generale"


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@given(name=names)
def test_normalising_twice_changes_nothing_and_every_word_finds_its_name(name: str) -> None:
    text = word_text(name)
    assert word_text(text) == text
    for word in words(name):
        assert is_word_prefix(word, name)
        assert is_word_prefix(word[:1], name)


@given(name=names, cut=st.integers(1, 12))
def test_the_word_index_holds_the_partition_a_prefix_reads(name: str, cut: int) -> None:
    """Whatever prefix of a word is typed, the partition the query reads is one the name wrote."""
    written = name_prefixes(word_text(name))
    for word in words(name):
        typed = word[:cut]
        [partition] = (
            entry_partitions("p", LeadQuery(filters={"customer_name": frozenset({word_text(typed)})})) or []
        )
        assert partition.pk.rsplit("#W#", 1)[1] in written
        assert (partition.phrase is None) == (len(typed) in PREFIX_LENGTHS)
