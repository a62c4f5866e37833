"""The local stack's own endpoints are for the developer's tools only, and its web app is served
with the same security headers as CloudFront serves it."""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from leaddesk_local.local_access import SECRET_HEADER, LocalAccess, web_security_headers
from leaddesk_local.provision import Deployment
from leaddesk_local.template import Template
from leaddesk_local.webapp import WebApp

ACCESS = LocalAccess("run-secret", "127.0.0.1", 3000)


def request(path: str, method: str = "POST", host: str = "127.0.0.1:3000", **kwargs: object) -> Request:
    return Request(
        EnvironBuilder(path=path, method=method, base_url=f"http://{host}", **kwargs).get_environ()
    )  # type: ignore[arg-type]


def status(answer: object) -> int | None:
    return None if answer is None else answer.status_code  # type: ignore[attr-defined]


SWEEP = "/_local/schedules/LifecycleSweepFunction?at=9999-12-31T00:00:00Z"


def test_an_operator_endpoint_needs_the_run_secret() -> None:
    assert status(ACCESS.refusal(request(SWEEP))) == 401
    assert status(ACCESS.refusal(request(SWEEP, headers={SECRET_HEADER: "guessed"}))) == 401
    assert status(ACCESS.refusal(request(SWEEP, headers={SECRET_HEADER: "run-secret"}))) is None
    assert status(ACCESS.refusal(request("/_local/requests", "GET"))) == 401


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # another port of localhost is another application
    ],
)
def test_a_cross_origin_request_is_refused_even_with_the_secret(headers: dict[str, str]) -> None:
    assert status(ACCESS.refusal(request(SWEEP, headers={SECRET_HEADER: "run-secret", **headers}))) == 403


def test_a_foreign_host_name_rebound_to_the_loopback_is_refused() -> None:
    rebound = request(SWEEP, host="evil.example:3000", headers={SECRET_HEADER: "run-secret"})
    assert status(ACCESS.refusal(rebound)) == 403


def test_the_web_sign_in_takes_json_from_the_app_itself_only() -> None:
    body = '{"partner_id": "p-a", "role": "viewer"}'
    same_origin = {"Origin": "http://127.0.0.1:3000", "Sec-Fetch-Site": "same-origin"}
    app_sign_in = request("/_local/token", data=body, content_type="application/json", headers=same_origin)
    assert status(ACCESS.refusal(app_sign_in)) is None
    form = request(
        "/_local/token", data="partner_id=p-a&role=viewer", content_type="application/x-www-form-urlencoded"
    )
    assert status(ACCESS.refusal(form)) == 415
    other_site = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    cross = request("/_local/token", data=body, content_type="application/json", headers=other_site)
    assert status(ACCESS.refusal(cross)) == 403


def test_the_web_headers_are_cloudfronts(template: Template) -> None:
    lookup = Deployment("leaddesk", None).lookup
    headers = web_security_headers(template, lookup)
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "${" not in csp
    # The policy's text, word for word (whitespace folded as YAML folds it).
    [policy] = template.of_type("AWS::CloudFront::ResponseHeadersPolicy").values()
    written = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    text = written["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    expected = " ".join(
        text.replace("${AWS::Region}", "us-east-1")
        .replace("${AWS::URLSuffix}", "amazonaws.com")
        .replace("${UserPoolDomain}", lookup("UserPoolDomain", None))
        .split()
    )
    assert csp == expected


def test_every_answer_under_app_carries_them(template: Template, tmp_path: object) -> None:
    headers = web_security_headers(template, Deployment("leaddesk", None).lookup)
    web = WebApp("http://127.0.0.1:3000", dist=tmp_path, headers=headers)  # type: ignore[arg-type]
    for path in ("/app", "/app/", "/app/config.json", "/app/leads/x"):
        answer = web.handle(request(path, "GET"))
        assert answer is not None
        for name, value in headers.items():
            assert answer.headers.get(name) == value, (path, name)
