"""The notifier's items in the single table, every key under the partner (`P#<partner>`).

| item | SK | what |
|---|---|---|
| settings | `SETTINGS` | the partner's notification settings (`doc`) |
| feed | `FEED` | the action center's `unread` count and `read_through` watermark |
| action item | `AC#<notification id>` | an item of the action center (`doc`), `read_at` once read |
| delivery | `DLV#<notice key>#<address>` | one email of one notice to one address: its `state` |
| day count | `VOL#<day>` | the day's new leads (`n`); while owed, the digest's index keys and recipients |
| digest entry | `DIG#<day>#<address tag>#<lead id>` | a lead collected for one recipient's digest |
| lead email | `MAIL#<lead id>#<kind>#<address tag>` | a lead's email and its outcome (its history) |
| suppression | `SUP#<address>` | an address that bounced for good or complained: nothing more is sent to it |
| no-recipient mark | `NOREC#<day>#<lead type>` | the day's `no_recipient` item of that type exists (its id) |

An open action item also carries `OPENPK`/`OPENSK` (the sparse `OpenItems` index, a partner's
open items newest first); a resolved one `resolved_at` instead.

The sparse `DigestsDue` index holds the day counts that owe a digest, spread over
`DIGEST_SHARDS` partitions by partner (never one constant partition), sorted by day.
"""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

from leaddesk.adapters.dynamo.keys import partner_key
from leaddesk.domain.action_center import ID_TIME_FORMAT

DIGESTS_DUE = "DigestsDue"
DIGEST_SHARDS = 8
DELIVERY_TTL = timedelta(days=30)
DAY_TTL = timedelta(days=40)  # a digest owed this long is abandoned with its entries


def key(partner_id: str, sort_key: str) -> dict[str, Any]:
    return {"PK": {"S": partner_key(partner_id)}, "SK": {"S": sort_key}}


def settings_key(partner_id: str) -> dict[str, Any]:
    return key(partner_id, "SETTINGS")


def feed_key(partner_id: str) -> dict[str, Any]:
    return key(partner_id, "FEED")


ACTION_PREFIX = "AC#"


def action_key(partner_id: str, notification_id: str) -> dict[str, Any]:
    return key(partner_id, ACTION_PREFIX + notification_id)


OPEN_ITEMS = "OpenItems"


def open_partition(partner_id: str) -> str:
    return f"{partner_key(partner_id)}#OPEN"


def open_index_keys(partner_id: str, notification_id: str) -> dict[str, Any]:
    """The `OpenItems` keys of an open action item: the partner's open items, newest first."""
    return {"OPENPK": {"S": open_partition(partner_id)}, "OPENSK": {"S": notification_id}}


def stamp(moment: datetime) -> str:
    """A time as the open-item filters compare it (the ids' sortable UTC format)."""
    return moment.astimezone(UTC).strftime(ID_TIME_FORMAT)


def delivery_key(partner_id: str, notice_key: str, address: str) -> dict[str, Any]:
    return key(partner_id, f"DLV#{notice_key}#{address.lower()}")


MAIL_PREFIX = "MAIL#"
SUPPRESSION_PREFIX = "SUP#"


def lead_mail_prefix(lead_id: str) -> str:
    return f"{MAIL_PREFIX}{lead_id}#"


def lead_mail_key(partner_id: str, lead_id: str, kind: str, address_tag: str) -> dict[str, Any]:
    return key(partner_id, f"{lead_mail_prefix(lead_id)}{kind}#{address_tag}")


def suppression_key(partner_id: str, address: str) -> dict[str, Any]:
    return key(partner_id, SUPPRESSION_PREFIX + address.lower())


def day_key(partner_id: str, day: date) -> dict[str, Any]:
    return key(partner_id, f"VOL#{day.isoformat()}")


def digest_entry_prefix(day: date, recipient_tag: str) -> str:
    return f"DIG#{day.isoformat()}#{recipient_tag}#"


def digest_entry_key(partner_id: str, day: date, recipient_tag: str, lead_id: str) -> dict[str, Any]:
    return key(partner_id, digest_entry_prefix(day, recipient_tag) + lead_id)


def no_recipient_key(partner_id: str, day: date, lead_type: str) -> dict[str, Any]:
    return key(partner_id, f"NOREC#{day.isoformat()}#{lead_type}")


def digest_shard(partner_id: str) -> int:
    return zlib.crc32(partner_id.encode()) % DIGEST_SHARDS


def digest_partition(shard: int) -> str:
    return f"DIGEST#{shard}"


def digest_index_keys(partner_id: str, day: date) -> dict[str, Any]:
    """The `DigestsDue` keys of a partner's day count: its shard, then day and partner."""
    return {
        "DIGPK": {"S": digest_partition(digest_shard(partner_id))},
        "DIGSK": {"S": f"{day.isoformat()}#{partner_id}"},
    }


def ttl_after(moment: datetime, keep: timedelta) -> dict[str, str]:
    return {"N": str(int((moment + keep).timestamp()))}
