"""The words of a company name as the `customer_name` filter compares them.

A name's words are its runs of letters and digits after Unicode compatibility decomposition
(NFKD), with combining marks (accents) dropped, case folded and the few letters that do not
decompose (ł, ø, đ, æ, œ…) spelt as typed without them: "Société Générale S.A." has
the words société → "societe", "generale", "s", "a". A filter value is read the same way, and
it matches a name when its words, in order, start at a word of the name, the last one possibly
cut short: "gen", "generale s", "SOCIETE" and "société gén" all find that name. The lead's
`customer_name` attribute, the query and the store's word index all use these functions, so
they cannot disagree.
"""

from __future__ import annotations

import unicodedata

WORD_SEPARATOR = " "
# Letters with a stroke or ligatures have no decomposition: typed without it, they are these.
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe", "þ": "th"}
)


def words(text: str) -> list[str]:
    """The normalised words of `text`, in order (empty when it holds no letter or digit)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    # casefold can produce characters that decompose again (e.g. "ǰ"): normalise once more.
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", bare) if not unicodedata.combining(ch))
    bare = bare.translate(_UNDECOMPOSED)
    found: list[str] = []
    current: list[str] = []
    for ch in bare:
        if ch.isalnum():
            current.append(ch)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


def word_text(text: str | None) -> str:
    """The words joined, each led by one separator (" fabrikam inc"); "" when there are none.

    Led by the separator, a word prefix is a plain substring: " fab" is in " fabrikam inc",
    " inc" too, " rik" is not.
    """
    return "".join(WORD_SEPARATOR + word for word in words(text or ""))


def is_word_prefix(query: str, name: str | None) -> bool:
    """Whether the filter value `query` finds the company name `name` (see the module)."""
    wanted = word_text(query)
    return bool(wanted) and wanted in word_text(name)
