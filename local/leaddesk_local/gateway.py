"""The local HTTP API: every `HttpApi` route of the template, behind a local JWT authorizer.

A request becomes the API Gateway v2 event its route's function would receive: 429 with
`Retry-After` past the route's throttling limits (the template's `DefaultRouteSettings`), 401
without a valid local token (as the JWT authorizer answers), claims rendered as API Gateway
renders them, 500 when the function raises. Paths no route matches go to the stack's
development-only endpoints (`/_local/...`, `/docs`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from leaddesk_local import tokens
from leaddesk_local.lambda_events import http_api_event, json_response, lambda_proxy_response

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class Throttle:
    """A token bucket per route, as API Gateway throttles each route: `rate` requests a second on
    average, bursts of up to `burst`. A rate of 0 throttles nothing."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # route → (tokens, when counted)

    def wait_needed(self, route: str) -> float:
        """0 when the request may pass (and is counted), else the seconds until it could."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, then = self._buckets.get(route, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens >= 1:
                self._buckets[route] = (tokens - 1, now)
                return 0.0
            self._buckets[route] = (tokens, now)
            return (1 - tokens) / self.rate


UNLIMITED = Throttle(rate=0, burst=0)


@dataclass
class Route:
    method: str
    path: str  # template form: /leads/{lead_id}
    function: str
    handler: Handler
    authorized: bool = True  # False for `Auth: Authorizer: NONE`

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in ("ANY", "X-AMAZON-APIGATEWAY-ANY-METHOD", method):
            return None
        pattern, actual = self.path.strip("/").split("/"), path.strip("/").split("/")
        if len(pattern) != len(actual):
            return None
        parameters = {}
        for want, got in zip(pattern, actual, strict=True):
            if want.startswith("{") and want.endswith("}"):
                if not got:
                    return None
                parameters[want[1:-1]] = got
            elif want != got:
                return None
        return parameters


# (route, event) → the function's answer; raises when the function does.
Invoke = Callable[[Route, dict[str, Any]], Any]
LocalEndpoints = Callable[[Request], Response]


class HttpGateway:
    def __init__(
        self,
        invoke: Invoke,
        local: LocalEndpoints,
        log: Callable[[str], None],
        throttle: Throttle = UNLIMITED,
    ) -> None:
        self.routes: list[Route] = []
        self.throttle = throttle
        self._invoke = invoke
        self._local = local
        self._log = log
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def serve(self, host: str, port: int) -> None:
        self._server = make_server(host, port, self._wsgi, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="http-api", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        response = self.handle(Request(environ))
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        for route in self.routes:
            parameters = route.match(request.method, request.path)
            if parameters is None:
                continue
            wait = self.throttle.wait_needed(f"{route.method} {route.path}")
            if wait > 0:  # API Gateway's answer to a throttled route, before any authorizer
                retry_after = str(max(1, math.ceil(wait)))
                throttled = json_response(429, {"message": "Too Many Requests"})
                throttled.headers["Retry-After"] = retry_after
                return throttled
            authorizer_claims: dict[str, str] | None = None
            if route.authorized:
                auth = request.headers.get("Authorization", "")
                scheme, _, token = auth.partition(" ")
                if scheme.lower() != "bearer" or not token:
                    return json_response(401, {"message": "Unauthorized"})
                try:
                    claims = tokens.verify(token.strip())
                except tokens.InvalidToken:
                    return json_response(401, {"message": "Unauthorized"})
                authorizer_claims = tokens.as_authorizer_claims(claims)
            event = http_api_event(request, route.method, route.path, parameters, authorizer_claims)
            try:
                answer = self._invoke(route, event)
            except Exception as error:  # API Gateway answers a failed invocation with 500
                self._log(f"{route.function} raised {type(error).__name__}: {error}")
                return json_response(500, {"message": "Internal Server Error"})
            return lambda_proxy_response(answer)
        return self._local(request)


def swagger_page() -> str:
    """Swagger UI (the copy Powertools ships, inlined) for the API's OpenAPI document."""
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import html

    from leads_api.openapi_document import openapi_document

    assets = Path(html.__file__).parent
    return html.generate_swagger_html(
        spec=openapi_document(),
        swagger_js=(assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        swagger_css=(assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        swagger_base_url="",
        oauth2_config=None,
        persist_authorization=True,
    )
