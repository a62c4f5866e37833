"""Webhook signing secrets at rest: encrypted with the stack's KMS key, bound to their endpoint.

Each secret is encrypted directly by KMS (it is far below KMS's 4 KB limit, so no data key is
needed) with the encryption context `{partner_id, endpoint_id}`: a ciphertext copied to another
partner's or endpoint's item does not decrypt. Plain secrets are kept in the process's memory
only (per ciphertext), so a warm delivery function does not call KMS for every delivery.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient


class SecretVault:
    def __init__(self, client: KMSClient | Any, key_id: str, cache_size: int = 1000) -> None:
        self._kms = client
        self._key_id = key_id
        self._cache: dict[str, str] = {}
        self._cache_size = cache_size

    def seal(self, secret: str, partner_id: str, endpoint_id: str) -> str:
        answer = self._kms.encrypt(
            KeyId=self._key_id,
            Plaintext=secret.encode(),
            EncryptionContext=_context(partner_id, endpoint_id),
        )
        return base64.b64encode(answer["CiphertextBlob"]).decode()

    def open(self, ciphertext: str, partner_id: str, endpoint_id: str) -> str:
        cache_key = f"{partner_id}\x00{endpoint_id}\x00{ciphertext}"
        if cache_key in self._cache:
            return self._cache[cache_key]
        answer = self._kms.decrypt(
            CiphertextBlob=base64.b64decode(ciphertext),
            EncryptionContext=_context(partner_id, endpoint_id),
            KeyId=self._key_id,
        )
        secret = bytes(answer["Plaintext"]).decode()
        if len(self._cache) >= self._cache_size:
            self._cache.pop(next(iter(self._cache)))
        self._cache[cache_key] = secret
        return secret


def _context(partner_id: str, endpoint_id: str) -> dict[str, str]:
    return {"partner_id": partner_id, "endpoint_id": endpoint_id}
