"""Who may use the local stack's own endpoints (`/_local/...`), and the web app's headers.

The stack listens on the developer's machine, where any web page the developer opens can send
requests to it. So:

- the operator endpoints (`/_local/schedules/...` run the sweep or the digest "at" any time,
  `/_local/requests` counts AWS requests) require the stack's per-run secret in the
  `X-LeadDesk-Local-Secret` header: `leaddesk up` makes a new one at each start and keeps it in
  the state file (readable by its owner only), where the `leaddesk` commands read it;
- the web app's sign-in route (`/_local/token`) takes JSON only (a cross-site form cannot send it
  without a preflight, which these endpoints never grant);
- every `/_local/...` request from another origin is refused: a browser's `Origin` or
  `Sec-Fetch-Site` saying cross-site, or a `Host` that is not the stack's own address (a
  rebound DNS name pointing a foreign site at 127.0.0.1). No CORS headers are ever sent.

`/app/` is served with the security headers of the CloudFront response headers policy in
template.yaml, read from it (`web_security_headers`), so the two cannot drift apart.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from werkzeug.wrappers import Request, Response

from leaddesk_local.lambda_events import json_response
from leaddesk_local.template import Template, resolve

SECRET_HEADER = "X-LeadDesk-Local-Secret"
SIGN_IN_PATH = "/_local/token"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class LocalAccess:
    def __init__(self, secret: str, host: str, port: int) -> None:
        self.secret = secret
        loopback = {host, "127.0.0.1", "localhost", "[::1]"}
        self._hosts = {f"{name}:{port}" for name in loopback}
        self._origins = {f"http://{name}" for name in self._hosts}

    def refusal(self, request: Request) -> Response | None:
        """None when the request may use a `/_local/...` endpoint; else the answer refusing it."""
        if request.host not in self._hosts:
            return json_response(403, {"message": f"/_local/ answers on {sorted(self._hosts)[0]} only"})
        origin = request.headers.get("Origin")
        if origin is not None and origin not in self._origins:
            return json_response(403, {"message": "/_local/ refuses cross-origin requests"})
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            return json_response(403, {"message": "/_local/ refuses cross-origin requests"})
        if request.path == SIGN_IN_PATH:
            if request.mimetype != "application/json":
                return json_response(415, {"message": "send the sign-in as application/json"})
            return None
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return json_response(
                401,
                {
                    "message": f"{SECRET_HEADER}: the stack's per-run secret (in its state file) is "
                    "required; the leaddesk command sends it"
                },
            )
        return None


# --- the web app's security headers, as CloudFront sets them ------------------------------------
def web_security_headers(template: Template, lookup: Callable[[str, str | None], str]) -> dict[str, str]:
    """The headers of the template's `AWS::CloudFront::ResponseHeadersPolicy` (its security
    headers and custom headers), resolved."""
    policies = template.of_type("AWS::CloudFront::ResponseHeadersPolicy")
    if len(policies) != 1:
        raise ValueError(
            f"template.yaml has {len(policies)} response headers policies; the local stack reads one"
        )
    (policy,) = policies.values()
    config = resolve(policy["Properties"]["ResponseHeadersPolicyConfig"], lookup, template.parameters)
    security: Mapping[str, Any] = config.get("SecurityHeadersConfig", {})
    headers: dict[str, str] = {}
    if "ContentSecurityPolicy" in security:
        headers["Content-Security-Policy"] = " ".join(
            str(security["ContentSecurityPolicy"]["ContentSecurityPolicy"]).split()
        )
    if "StrictTransportSecurity" in security:
        hsts = security["StrictTransportSecurity"]
        value = f"max-age={hsts['AccessControlMaxAgeSec']}"
        value += "; includeSubDomains" if _true(hsts.get("IncludeSubdomains")) else ""
        value += "; preload" if _true(hsts.get("Preload")) else ""
        headers["Strict-Transport-Security"] = value
    if "ContentTypeOptions" in security:
        headers["X-Content-Type-Options"] = "nosniff"
    if "FrameOptions" in security:
        headers["X-Frame-Options"] = str(security["FrameOptions"]["FrameOption"])
    if "ReferrerPolicy" in security:
        headers["Referrer-Policy"] = str(security["ReferrerPolicy"]["ReferrerPolicy"])
    if "XSSProtection" in security:
        xss = security["XSSProtection"]
        value = "1" if _true(xss.get("Protection")) else "0"
        value += "; mode=block" if _true(xss.get("ModeBlock")) else ""
        headers["X-XSS-Protection"] = value
    for custom in (config.get("CustomHeadersConfig") or {}).get("Items", []):
        headers[str(custom["Header"])] = str(custom["Value"])
    return headers


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"
