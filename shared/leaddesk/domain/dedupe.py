"""Repeats of one customer (docs/product.md#ingest): the one rule for what counts as "the same lead again".

Kept apart from the inbound parsers so the store can use the window without importing the
contact-validation libraries.
"""

from __future__ import annotations

from datetime import timedelta

from leaddesk.domain.models import Lead

DEDUPE_WINDOW = timedelta(hours=24)


def dedupe_key(lead: Lead) -> str | None:
    """Same customer (email, case-insensitive) + same offer or profile + same call to action.

    A lead without an email has no key: nothing identifies the customer, so it is never folded.
    """
    email = (lead.customer.email or "").strip().lower()
    if not email:
        return None
    target = lead.offer.key if lead.offer and lead.offer.key else lead.lead_type.value
    return f"{email}|{target}|{lead.call_to_action.value if lead.call_to_action else '-'}"
