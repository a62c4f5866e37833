"""`leaddesk export`: export a tab's (filtered) list to CSV through the API, follow it, download it.

    leaddesk export --partner P [--tab T] [--filter NAME=VALUES]... [--sort S] [--order O]
                    [--bom] [--profile spreadsheet|crm] [--out FILE]

It asks the API exactly as the web workspace does (`POST /exports`, then `GET /exports/{id}`
until the job ends), shows the job's progress, and downloads the file through the presigned
link. On the local stack it signs in with a local token for the partner; against AWS
(`--aws`) it needs a Cognito token of a referrals admin (`--token` or `LEADDESK_TOKEN`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

POLL_SECONDS = 0.5
BAR_WIDTH = 30


class ExportFailed(Exception):
    """The export could not be made; the message says why and what to do next."""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    export = sub.add_parser("export", help="export a tab's list to CSV (filters and sort as in GET /leads)")
    export.add_argument("--partner", help="the partner (local stack: whose token to mint)")
    export.add_argument("--tab", default="marketplace", help="marketplace (default), qualified or favorites")
    export.add_argument(
        "--filter",
        dest="filters",
        action="append",
        default=[],
        metavar="NAME=VALUES",
        help="a filter of GET /leads, values comma-separated (repeatable), e.g. status=received,accepted",
    )
    export.add_argument("--sort", help="created_at (default), customer_name or estimated_value")
    export.add_argument("--order", choices=["asc", "desc"])
    export.add_argument("--bom", action="store_true", help="start the file with a UTF-8 byte order mark")
    export.add_argument(
        "--profile",
        choices=["spreadsheet", "crm"],
        help="crm: the columns a CRM imports (message, notes, team, referrer), E.164 phones as stored",
    )
    export.add_argument("--out", help="where to write the file (default: leads-<export id>.csv)")
    export.add_argument("--token", help="--aws: a Cognito token of a referrals admin (or LEADDESK_TOKEN)")
    export.add_argument("--timeout", type=float, default=3600, help="seconds to wait for the file")
    return export  # type: ignore[no-any-return]


def request_body(args: argparse.Namespace) -> dict[str, Any]:
    """The export's request: the tab, each filter's values, the sort (the API validates them)."""
    body: dict[str, Any] = {"tab": args.tab}
    for text in args.filters:
        name, equals, values = text.partition("=")
        if not equals or not name.strip():
            raise ExportFailed(f"--filter {text!r}: write NAME=VALUES, e.g. --filter country=US,DE")
        body[name.strip()] = [value.strip() for value in values.split(",")]
    for name in ("sort", "order"):
        if getattr(args, name):
            body[name] = getattr(args, name)
    if args.bom:
        body["bom"] = True
    if args.profile:
        body["profile"] = args.profile
    return body


class ApiClient:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any, dict[str, str]]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method)
        request.add_header("Authorization", f"Bearer {self._token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null"), dict(response.headers)
        except urllib.error.HTTPError as error:
            try:
                payload = json.loads(error.read() or b"null")
            except ValueError:
                payload = None
            return error.code, payload, dict(error.headers)
        except urllib.error.URLError as error:
            raise ExportFailed(
                f"no API answers at {self.base_url} ({error.reason}); start the local stack with `make run`"
            ) from error


def run_export(
    api: ApiClient, body: dict[str, Any], out: str | None, timeout: float, progress: Any = sys.stderr
) -> tuple[Path, dict[str, Any]]:
    """Start the export, follow it until it ends, download its file; (the file, the finished job)."""
    status, job, _ = api.call("POST", "/exports", body)
    if status != 202:
        message = (job or {}).get("message", f"HTTP {status}")
        raise ExportFailed(f"the API refused the export ({status}): {message}")
    deadline = time.monotonic() + timeout
    while job["status"] in ("queued", "running"):
        _show(job, progress)
        if time.monotonic() > deadline:
            raise ExportFailed(
                f"export {job['export_id']} still {job['status']} after {timeout:.0f}s; "
                f"follow it with GET /exports/{job['export_id']}"
            )
        time.sleep(POLL_SECONDS)
        status, job, _ = api.call("GET", f"/exports/{job['export_id']}")
        if status != 200:
            raise ExportFailed(f"could not follow the export ({status}): {(job or {}).get('message')}")
    _show(job, progress)
    print(file=progress, flush=True)
    if job["status"] != "succeeded":
        raise ExportFailed(f"export {job['export_id']} failed: {job.get('reason')}. Start it again.")
    path = Path(out or f"leads-{job['export_id']}.csv")
    with urllib.request.urlopen(job["download_url"], timeout=300) as response, path.open("wb") as file:
        shutil.copyfileobj(response, file)
    return path, job


def _show(job: dict[str, Any], stream: Any) -> None:
    rows, expected = job.get("rows", 0), job.get("expected_rows")
    if job.get("progress") is not None:
        filled = round(job["progress"] * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        text = f"[{bar}] {job['progress']:4.0%}  {rows:,}/{expected:,} rows  {job['status']}"
    else:
        text = f"{rows:,} rows so far  {job['status']}"
    print(f"\r  export {job['export_id']}: {text}   ", end="", file=stream, flush=True)


def cmd_export(args: argparse.Namespace, api_url: str, token: str | None) -> int:
    """The command, once the caller has found where the API is and, for AWS, the token."""
    from leaddesk_local import tokens

    if token is None:
        if not args.partner:
            raise ExportFailed("--partner is required on the local stack (whose leads to export)")
        token = tokens.issue(args.partner, ["referrals_admin"], subject=f"{args.partner}-cli")
    path, job = run_export(ApiClient(api_url, token), request_body(args), args.out, args.timeout)
    print(f"{job['rows']:,} leads written to {path}")
    return 0


def aws_token(args: argparse.Namespace) -> str:
    token: str | None = args.token or os.environ.get("LEADDESK_TOKEN")
    if not token:
        raise ExportFailed(
            "--aws needs a token of a referrals admin: sign in to the workspace and pass it with --token "
            "(or set LEADDESK_TOKEN)"
        )
    return token
