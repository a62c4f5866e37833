"""`leaddesk export` on a real local stack: a filtered tab's CSV equals the filtered list."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas
import pytest

from tests.e2e.test_api_e2e import call, send_lead
from tests.helpers.stack import RunningStack, token

pytestmark = pytest.mark.e2e
PARTNER = "p-export-e2e"


def listed(stack: RunningStack, bearer: str, params: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": "100", **({"cursor": cursor} if cursor else {})}
        page = call(stack, "GET", "/leads", bearer, params=query).json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return items


def test_leaddesk_export_downloads_exactly_the_filtered_list(
    local_stack: RunningStack, tmp_path: Path
) -> None:
    lead_ids = [send_lead(local_stack, tmp_path, PARTNER, f"exp-{n}") for n in range(4)]
    bearer = token(local_stack, PARTNER)
    declined = call(
        local_stack, "POST", f"/leads/{lead_ids[0]}/decline", bearer, json={"reason": "not_a_customer"}
    )
    assert declined.status_code == 200, declined.text
    out = tmp_path / "received.csv"
    result = local_stack.cli(
        "export", "--partner", PARTNER, "--filter", "status=received", "--sort", "customer_name",
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "3 leads written" in result.stdout
    assert "100%" in result.stderr  # the progress bar reached its end
    expected = [
        lead["lead_id"]
        for lead in listed(local_stack, bearer, {"status": "received", "sort": "customer_name"})
    ]
    data = out.read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert [row["LeadId"] for row in rows] == expected and len(expected) == 3
    assert lead_ids[0] not in expected
    frame = pandas.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert list(frame["LeadId"]) == expected


def test_leaddesk_export_says_what_is_wrong_with_a_filter(local_stack: RunningStack, tmp_path: Path) -> None:
    result = local_stack.cli(
        "export", "--partner", PARTNER, "--filter", "status=bogus", "--out", str(tmp_path / "x")
    )
    assert result.returncode == 2
    assert "status" in result.stderr and "refused" in result.stderr
    assert not (tmp_path / "x").exists()


def test_the_download_link_serves_its_own_file_only(local_stack: RunningStack, tmp_path: Path) -> None:
    """The stack's S3 checks presigned links as S3 does: the link as handed out downloads the
    file; the same link pointed at another partner's file, or given a longer life, is refused."""
    import time

    import httpx

    send_lead(local_stack, tmp_path, PARTNER, "exp-link")
    bearer = token(local_stack, PARTNER)
    started = call(local_stack, "POST", "/exports", bearer, json={})
    assert started.status_code == 202, started.text
    export_id = started.json()["export_id"]
    deadline = time.monotonic() + 60
    job: dict[str, Any] = {}
    while time.monotonic() < deadline and job.get("status") != "succeeded":
        time.sleep(0.3)
        job = call(local_stack, "GET", f"/exports/{export_id}", bearer).json()
    link = job["download_url"]
    assert httpx.get(link, timeout=30).status_code == 200
    another_partner = httpx.get(link.replace(f"/{PARTNER}/", "/p-contoso/"), timeout=30)
    assert another_partner.status_code == 403 and "SignatureDoesNotMatch" in another_partner.text
    longer = httpx.get(link.replace("X-Amz-Expires=", "X-Amz-Expires=9"), timeout=30)
    assert longer.status_code == 403 and "SignatureDoesNotMatch" in longer.text
    unsigned = httpx.get(link.replace("X-Amz-Signature=", "X-Amz-Signature=0"), timeout=30)
    assert unsigned.status_code == 403
