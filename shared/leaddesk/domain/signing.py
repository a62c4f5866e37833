"""Standard Webhooks v1 signatures, made by the `standardwebhooks` package (the specification's
own implementation) rather than by hand.

`webhook-signature` holds one `v1,<base64 HMAC-SHA256>` per signing secret, separated by spaces:
during a rotation's overlap a receiver holding either secret verifies the delivery.
"""

from __future__ import annotations

from datetime import datetime

from standardwebhooks.webhooks import Webhook


def signature_headers(message_id: str, at: datetime, body: str, secrets: list[str]) -> dict[str, str]:
    """The three headers of a delivery signed with each of `secrets` (the newest first)."""
    signatures = [Webhook(secret).sign(message_id, at, body) for secret in secrets]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
