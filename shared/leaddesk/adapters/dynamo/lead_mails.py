"""A lead's emails (`MAIL#<lead id>#…`): an email's outcome ⇄ its item.

A lead's email item sits beside the lead, not in it: writing it never changes the lead's
version (a user's `If-Match` stays valid while emails go out), and the lead's page reads them
with one Query. It lives as long as the lead's table keeps the partner's items (no TTL).
The lead store reads them, so this module stays as light as the store (no feedback parsing,
no contact validation).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from leaddesk.adapters.dynamo.notify_batch import Write, WritePurpose
from leaddesk.adapters.dynamo.notify_items import lead_mail_key
from leaddesk.domain.deliveries import DeliveryState, LeadMail, address_tag


def lead_mail_item(mail: LeadMail) -> dict[str, Any]:
    item: dict[str, Any] = {
        **lead_mail_key(mail.partner_id, mail.lead_id, mail.kind, address_tag(mail.address)),
        "type": {"S": "lead_mail"},
        "kind": {"S": mail.kind},
        "recipient": {"S": mail.address},
        "why": {"S": mail.why},
        "state": {"S": mail.state.value},
        "at": {"S": mail.at.isoformat()},
    }
    if mail.reason:
        item["reason"] = {"S": mail.reason[:1000]}
    return item


def lead_mail_from(item: Mapping[str, Any], partner_id: str, lead_id: str) -> LeadMail:
    return LeadMail(
        partner_id=partner_id,
        lead_id=lead_id,
        kind=item["kind"]["S"],
        address=item["recipient"]["S"],
        why=item["why"]["S"],
        state=DeliveryState(item["state"]["S"]),
        at=datetime.fromisoformat(item["at"]["S"]),
        reason=item.get("reason", {}).get("S"),
    )


def put_lead_mail(table: str, mail: LeadMail, owner: object) -> Write:
    """A lead's email, written (or written again) with the delivery it settles."""
    return Write(owner, WritePurpose.PLAIN, {"Put": {"TableName": table, "Item": lead_mail_item(mail)}})
