"""Driving exports on moto: start one through the API, run the worker over the export queue."""

from __future__ import annotations

import csv
import io
from typing import Any

from leaddesk_local.lambda_events import LambdaContext
from leaddesk_local.provision import Deployment, client
from tests.helpers.api import call_api
from tests.helpers.tenants import or_current


def start_export(
    body: dict[str, Any], partner: str | None = None, roles: tuple[str, ...] = ("referrals_admin",)
) -> tuple[int, Any, dict[str, str]]:
    partner = or_current(partner)
    return call_api(
        "POST", "/exports", "/exports", partner=partner, roles=roles, body=body, function="exports_api.app"
    )


def get_export(export_id: str, partner: str | None = None) -> tuple[int, Any, dict[str, str]]:
    return call_api(
        "GET",
        f"/exports/{export_id}",
        "/exports/{export_id}",
        partner=or_current(partner),
        roles=("viewer",),
        path_parameters={"export_id": export_id},
        function="exports_api.app",
    )


def run_worker(deployment: Deployment, context: Any = None, rounds: int = 1000) -> int:
    """Deliver the export queue's messages to the worker one at a time, as its event source does
    (batch size 1; a failed message comes back with its receive count one higher) until the
    queue is empty; how many invocations it took."""
    from export_worker.app import handler

    sqs = client("sqs", None)
    url = deployment.refs["ExportQueue"]
    for invocation in range(rounds):
        messages = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=1, AttributeNames=["All"], VisibilityTimeout=0
        ).get("Messages", [])
        if not messages:
            return invocation
        message = messages[0]
        record = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
        }
        answer = handler(
            {"Records": [record]}, context or LambdaContext(function_name="ExportWorkerFunction")
        )
        if not answer["batchItemFailures"]:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    raise AssertionError("the export queue never emptied")


def exported_file(deployment: Deployment, export_id: str, partner: str | None = None) -> bytes:
    """The finished file, fetched from S3 at the key its job records."""
    partner = or_current(partner)
    status, job, _ = get_export(export_id, partner)
    assert status == 200 and job["status"] == "succeeded", job
    key = f"exports/{partner}/{export_id}/"
    s3 = client("s3", None)
    listed = s3.list_objects_v2(Bucket=deployment.refs["ExportBucket"], Prefix=key)["Contents"]
    (only,) = [o for o in listed if o["Key"].endswith(".csv")]
    body: bytes = s3.get_object(Bucket=deployment.refs["ExportBucket"], Key=only["Key"])["Body"].read()
    return body


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """The file read with Python's csv module (a BOM, if any, removed by utf-8-sig)."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
