"""The web workspace on the local stack: the built app at /app/, its config.json, and the
local-only sign-in route that mints a development token (no such route exists on AWS)."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping
from pathlib import Path

from werkzeug.wrappers import Request, Response

from leaddesk_local import tokens
from leaddesk_local.lambda_events import json_response
from leaddesk_local.template import PROJECT_ROOT

WEB_DIST = PROJECT_ROOT / "web" / "dist"


class WebApp:
    def __init__(self, api_url: str, dist: Path = WEB_DIST, headers: Mapping[str, str] | None = None) -> None:
        self.api_url = api_url
        self.dist = dist
        self.headers = dict(headers or {})  # what CloudFront adds to every answer under /app

    def handle(self, request: Request) -> Response | None:
        """The answer for the app's paths and the local sign-in route; None for anything else."""
        if request.path == "/_local/token" and request.method == "POST":
            return self._token(request)
        answer = self._app(request)
        if answer is not None:
            answer.headers.extend(self.headers)
        return answer

    def _app(self, request: Request) -> Response | None:
        if request.path == "/app":
            return Response(status=308, headers={"Location": "/app/"})
        if not request.path.startswith("/app/") or request.method not in ("GET", "HEAD"):
            return None
        relative = request.path.removeprefix("/app/")
        if relative == "config.json":
            body = {"apiUrl": self.api_url, "auth": {"mode": "local"}}
            return Response(
                json.dumps(body), content_type="application/json", headers={"Cache-Control": "no-store"}
            )
        if not (self.dist / "index.html").exists():
            return Response(
                "The web workspace is not built. `make run` builds it (web/: npm ci && npm run build).",
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        return self._file(relative)

    def _file(self, relative: str) -> Response:
        target = (self.dist / relative).resolve()
        if relative and target.is_file() and target.is_relative_to(self.dist.resolve()):
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            cache = "public, max-age=31536000, immutable" if "/assets/" in f"/{relative}" else "no-cache"
            return Response(target.read_bytes(), content_type=kind, headers={"Cache-Control": cache})
        # A route of the single-page app (/app/leads/…): the app itself decides what to show.
        index = (self.dist / "index.html").read_bytes()
        return Response(index, content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})

    @staticmethod
    def _token(request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        partner = str(body.get("partner_id") or "").strip() if isinstance(body, dict) else ""
        role = body.get("role") if isinstance(body, dict) else None
        if not partner:
            return json_response(
                400, {"message": "partner_id: enter the partner to sign in as", "field": "partner_id"}
            )
        if role not in tokens.ROLES:
            return json_response(400, {"message": f"role: one of {', '.join(tokens.ROLES)}", "field": "role"})
        return json_response(200, {"token": tokens.issue(partner, [str(role)])})
