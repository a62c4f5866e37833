"""Exports under faults: partners' admins export their lists (various tabs, filters and sorts)
through the export API while DynamoDB, SQS, S3 and EventBridge fail at random; the worker runs
from the export queue as its event source would (batch size 1).

The worker's context leaves it less than its safety margin, so it hands the rest on after every
page, and the suite reads pages of `PAGE` leads: every export of more than a page goes through
continuations, the side object of a paused upload and the multipart upload's parts.

Accounted: every export ends `succeeded` with a file — fetched through its download link, which
no fault reaches — whose rows are exactly what `GET /leads` lists for the same query, in the same
order, or `failed` with its reason; none is left `queued` or `running`; no multipart upload is
left open; nothing sits in the export dead-letter queue without a reason.
"""

from __future__ import annotations

import csv
import io
import json
import random
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.reliability.harness import Stage
from tests.reliability.workloads import Figures, redrive_exhausted, table_items

PAGE = 10  # leads a worker reads per query in the suite (500 on AWS): several pages per export
QUERIES: list[dict[str, Any]] = [
    {},
    {"tab": "qualified"},
    {"tab": "favorites", "sort": "customer_name"},
    {"status": ["received", "accepted"]},
    {"tab": "qualified", "sort": "estimated_value", "bom": True},
    {"sort": "customer_name", "order": "asc", "include_test": True},
    {"lead_type": ["profile"], "country": ["US", "DE"]},
    {"email_validity": ["spam", "valid"], "status": ["archived"]},
    {"tab": "qualified", "lead_type": ["joint_planning", "sales_qualified"], "order": "asc"},
]


@dataclass
class Export:
    export_id: str
    partner: str
    query: dict[str, Any]


@dataclass
class ExportWorkload:
    exports: int
    seed: int
    partners: int = 10
    started: list[Export] = field(default_factory=list)
    answers: Counter[int] = field(default_factory=Counter)
    redriven: int = 0

    def run(self, stage: Stage) -> None:
        rng = random.Random(self.seed)
        for number in range(self.exports):
            partner = f"p-rel-{rng.randrange(self.partners)}"
            query = rng.choice(QUERIES)
            # Most callers have an email claim (the notifier tells them); some have none.
            email = f"exporter{number}.{partner}@fabrikam.com" if number % 4 else None
            status, view, headers = stage.api(
                "POST", "/exports", "/exports", partner, query, email=email, function="exports_api.app"
            )
            self.answers[status] += 1
            assert status == 202 and headers["Location"] == f"/exports/{view['export_id']}", view
            self.started.append(Export(view["export_id"], partner, query))
            if number % 3 == 2:
                stage.pump()  # the worker keeps up while more are started
        status, _, _ = stage.api(
            "POST", "/exports", "/exports", "p-rel-0", {}, role="viewer", function="exports_api.app"
        )
        self.answers[status] += 1
        assert status == 403  # a viewer may not export
        stage.pump()
        self._redrive_exhausted(stage)

    def _redrive_exhausted(self, stage: Stage) -> None:
        """Messages the export queue's redrive policy moved (no reason) go back to the export queue."""
        moved, self.letters = redrive_exhausted(stage, "ExportDeadLetterQueueUrl", "ExportQueue")
        self.redriven += moved

    def account(self, stage: Stage, figures: Figures) -> None:
        jobs = {
            item["SK"]["S"][2:]: json.loads(item["doc"]["S"])
            for item in table_items(stage)
            if item["SK"]["S"].startswith("X#")
        }
        statuses = Counter(job["status"] for job in jobs.values())
        for export_id, job in jobs.items():
            if job["status"] in ("queued", "running"):
                figures.stuck += 1
                figures.note(f"export {export_id} left {job['status']}")
            elif job["status"] == "failed" and not job.get("reason"):
                figures.lost += 1  # a failure nobody can read
                figures.note(f"export {export_id} failed without a reason")
        answered = {export.export_id for export in self.started}
        figures.lost += len(answered - set(jobs))  # a 202 without its job
        rows = 0
        for export in self.started:
            if jobs.get(export.export_id, {}).get("status") == "succeeded":
                rows += self._compare(stage, export, figures)
        s3 = stage.client("s3")
        bucket = stage.deployment.refs["ExportBucket"]
        uploads = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        figures.stuck += len(uploads)
        figures.notes += [f"upload left open: {upload['Key']}" for upload in uploads]
        files = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        kept = {job.get("object_key") for job in jobs.values() if job["status"] == "succeeded"}
        for letter in self.letters:
            reason = letter["MessageAttributes"]["leaddesk-reason"]["StringValue"]
            figures.dead_letters[f"export: {reason.split(':')[0]}"] += 1
        figures.say(
            f"exports: {sum(self.answers.values())} requests ({dict(sorted(self.answers.items()))}), "
            f"{len(jobs)} jobs ({dict(sorted(statuses.items()))}), {rows} rows checked against the list, "
            f"{len(uploads)} uploads left open, {len(set(files) - kept)} other objects (replaced attempts, "
            f"side objects) left for the bucket's retention rule, {self.redriven} redriven after retries "
            "exhausted"
        )

    def _compare(self, stage: Stage, export: Export, figures: Figures) -> int:
        """The file (through its download link) against `GET /leads` with the same query."""
        status, view, _ = stage.api(
            "GET",
            f"/exports/{export.export_id}",
            "/exports/{export_id}",
            export.partner,
            role="viewer",
            function="exports_api.app",
        )
        assert status == 200, view
        with urllib.request.urlopen(view["download_url"], timeout=30) as response:
            data = response.read()
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        listed = _walk(stage, export.partner, export.query)
        seen = [(r["LeadId"], r["Status"], r["Outcome"], r["Email"], r["Favorite"]) for r in rows]
        wanted = [
            (
                lead["lead_id"],
                lead["status"],
                lead.get("outcome") or "",
                (lead.get("customer") or {}).get("email") or "",
                "true" if lead.get("favorite") else "false",
            )
            for lead in listed
        ]
        if (
            seen != wanted
            or view["rows"] != len(rows)
            or data.startswith(b"\xef\xbb\xbf") != bool(export.query.get("bom"))
        ):
            figures.wrong += 1
            figures.note(
                f"export {export.export_id} {export.query}: {len(rows)} rows ({view['rows']} said), "
                f"{len(listed)} listed; first difference at "
                f"{next((n for n, (a, b) in enumerate(zip(seen, wanted, strict=False)) if a != b), None)}"
            )
        return len(rows)


def _walk(stage: Stage, partner: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    """Every page of `GET /leads` for the export's query (its body as query parameters)."""
    params = {
        name: [
            ",".join(value)
            if isinstance(value, list)
            else str(value).lower()
            if isinstance(value, bool)
            else value
        ]
        for name, value in query.items()
        if name != "bom"
    }
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(1000):
        page_query = {**params, "limit": ["100"], **({"cursor": [cursor]} if cursor else {})}
        status, page, _ = stage.api("GET", "/leads", "/leads", partner, query=page_query, role="viewer")
        assert status == 200, page
        found += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return found
    raise AssertionError("the list's pages never ended")
