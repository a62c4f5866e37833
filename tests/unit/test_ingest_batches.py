"""A batch's leads are written at once only when they cannot meet on a marker."""

from __future__ import annotations

from leaddesk.services.ingest import _independent_chains
from leaddesk.services.records import QueuedRecord
from tests.helpers.leads import make_lead


def test_leads_sharing_an_event_or_a_customer_stay_together_in_batch_order() -> None:
    a1 = make_lead(event_id="a", customer={"email": "x@contoso.com", "company": "C"})
    b = make_lead(event_id="b", customer={"email": "y@contoso.com", "company": "C"})
    a2 = make_lead(event_id="a", customer={"email": "z@contoso.com", "company": "C"})  # same event as a1
    c = make_lead(event_id="c", customer={"email": "y@contoso.com", "company": "C"})  # same customer as b
    d = make_lead(event_id="d", customer={"email": "z@contoso.com", "company": "C"})  # same customer as a2
    e = make_lead(event_id="e", customer={"email": "w@contoso.com", "company": "C"})
    batch = [(QueuedRecord(f"m{n}", "{}"), lead) for n, lead in enumerate([a1, b, a2, c, d, e])]
    chains = _independent_chains(batch)
    assert [[record.message_id for record, _ in chain] for chain in chains] == [
        ["m0", "m2", "m4"],  # a1, a2 (same event), d (same customer as a2)
        ["m1", "m3"],
        ["m5"],
    ]
