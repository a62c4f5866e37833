"""Customer and partner text as LeadDesk keeps it: the one normalisation of every way in.

Producers and people paste text from anywhere. What reaches storage, the API and exports is
Unicode NFC without the characters that can only hurt: control characters (NUL, terminal
escape sequences such as ANSI colours — the whole sequence, not only its ESC), lone surrogates
(they cannot be encoded as UTF-8, so storing them fails forever) and the bidirectional
embedding, override and isolate controls (they make text display in another order than it is
stored, the "Trojan Source" trick). Ingest and the API's request bodies both use `clean_text`,
so the same input is kept the same way whichever door it came through.
"""

from __future__ import annotations

import re
import unicodedata

# ESC-introduced sequences as terminals read them: CSI (ESC [ … final byte), OSC (ESC ] … BEL or
# ESC \), and two-character escapes; and their 8-bit forms (CSI U+009B, OSC U+009D).
_ESCAPE_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: parameters, intermediates, final byte
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC up to its terminator
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
)
# Unicode's Bidi_Control characters: ALM, LRM, RLM, LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_KEPT_IN_MULTILINE = frozenset("\n\t")
# A character that survives `clean_text`: what a required text must contain at least one of (as a
# JSON Schema / pydantic pattern, so the API's document states the same rule its validator holds).
_REMOVED = "".join(chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))) + "".join(sorted(BIDI_CONTROLS))
# Unicode's Default_Ignorable_Code_Point characters (DerivedCoreProperties.txt: zero-width space
# and joiners, soft hyphen, word joiner, variation selectors, Hangul fillers, tags…) and the blank
# braille pattern: kept in text (a joiner belongs to an emoji or a script) but shown as nothing,
# so they never count as the visible character a required text must hold.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_INVISIBLE = "".join(chr(lo) if lo == hi else f"{chr(lo)}-{chr(hi)}" for lo, hi in _IGNORABLE_RANGES)
VISIBLE_PATTERN = f"[^\\s{_REMOVED}{_INVISIBLE}]"
# An address part without spaces, control or bidi characters (what a partner's email may be).
ADDRESS_PATTERN = f"^[^@\\s{_REMOVED}]+@[^@\\s{_REMOVED}]+$"
# What each pattern means, as a refusal says it: a message never quotes a pattern (it holds
# control and invisible characters, and says nothing to a person).
PATTERN_MEANINGS = {
    VISIBLE_PATTERN: (
        "must hold a visible character (spaces, control characters and invisible ones such as "
        "zero-width spaces do not count)"
    ),
    ADDRESS_PATTERN: (
        "expected an email address such as ana@example.com (one @, no spaces or control characters)"
    ),
}


def _unwanted(character: str, multiline: bool) -> bool:
    if character in BIDI_CONTROLS:
        return True
    category = unicodedata.category(character)
    if category == "Cs":  # a lone surrogate: not encodable
        return True
    return category == "Cc" and not (multiline and character in _KEPT_IN_MULTILINE)


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` without escape sequences, control, surrogate and bidi-control characters, in NFC.

    Single-line text also has its spacing collapsed and trimmed; multi-line text (notes) keeps
    its line breaks and tabs (CR LF and CR become LF) and loses trailing spaces only.
    """
    if value.isascii() and value.isprintable():  # the common case: nothing to remove, already NFC
        return " ".join(value.split()) if not multiline else value.strip()
    text = _ESCAPE_SEQUENCES.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(ch for ch in text if not _unwanted(ch, multiline))
    text = unicodedata.normalize("NFC", text)
    if multiline:
        return "\n".join(line.rstrip() for line in text.split("\n")).strip()
    return " ".join(text.split())
