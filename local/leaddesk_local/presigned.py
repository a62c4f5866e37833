"""S3 presigned links on the local stack are checked as S3 checks them.

moto serves any object to any request, so locally a download link would work after its expiry,
with another object's key, or with no signature at all, and the scope of the links LeadDesk hands
out could not be seen. This WSGI middleware, in front of the moto server, checks every request
that carries a query-string signature (SigV4, `X-Amz-Signature`) for S3: the access key must be
one the stack knows, the link must not have expired (`X-Amz-Date` + `X-Amz-Expires`), and the
signature must be the one botocore computes for the request as it arrives (method, path, query,
signed headers). Otherwise the answer is S3's 403 with its error code. Requests signed in their
`Authorization` header (the functions' own calls) pass through unchanged.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote
from xml.sax.saxutils import escape

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# The local stack's one set of credentials (leaddesk_local.stack sets them for every client).
LOCAL_KEYS = {"testing": "testing"}
SIGNATURE = "X-Amz-Signature"


class PresignedLinks:
    def __init__(
        self, app: WsgiApp, keys: Mapping[str, str] = LOCAL_KEYS, clock: Callable[[], float] = time.time
    ) -> None:
        self._app = app
        self._keys = dict(keys)
        self._clock = clock

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = str(environ.get("QUERY_STRING", ""))
        if f"{SIGNATURE}=" not in query:
            return self._app(environ, start_response)
        params = {name: values[0] for name, values in parse_qs(query, keep_blank_values=True).items()}
        credential = params.get("X-Amz-Credential", "").split("/")
        if len(credential) != 5 or credential[3] != "s3":
            return self._app(environ, start_response)
        refusal = self._refusal(environ, query, params, credential)
        if refusal is None:
            return self._app(environ, start_response)
        code, message = refusal
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
        ).encode()
        start_response(
            "403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]
        )
        return [body]

    def _refusal(
        self, environ: dict[str, Any], query: str, params: dict[str, str], credential: list[str]
    ) -> tuple[str, str] | None:
        from botocore.auth import S3SigV4QueryAuth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        key_id, _, region, service, _ = credential
        secret = self._keys.get(key_id)
        if secret is None:
            return "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
        try:
            signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            expires = int(params["X-Amz-Expires"])
        except (KeyError, ValueError):
            return "AuthorizationQueryParametersError", "X-Amz-Date and X-Amz-Expires are required"
        if self._clock() > signed_at.timestamp() + expires:
            return "AccessDenied", "Request has expired"
        raw = str(environ.get("REQUEST_URI") or quote(str(environ.get("PATH_INFO", ""))))
        path = raw.split("?", 1)[0]
        unsigned = "&".join(part for part in query.split("&") if not part.startswith(f"{SIGNATURE}="))
        host = str(environ.get("HTTP_HOST", ""))
        signed_headers = params.get("X-Amz-SignedHeaders", "host").split(";")
        headers = {
            name: host if name == "host" else str(environ.get("HTTP_" + name.upper().replace("-", "_"), ""))
            for name in signed_headers
        }
        request = AWSRequest(
            method=str(environ["REQUEST_METHOD"]), url=f"http://{host}{path}?{unsigned}", headers=headers
        )
        request.context["timestamp"] = params["X-Amz-Date"]
        signer = S3SigV4QueryAuth(Credentials(key_id, secret), service, region, expires=expires)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if not hmac.compare_digest(expected, params[SIGNATURE]):
            return (
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
        return None
