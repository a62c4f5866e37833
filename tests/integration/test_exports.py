"""Exports on moto: the API (start, follow, list, roles, tenants), the worker streaming the list
into an S3 multipart upload, continuations, redeliveries, and failures that end `failed`."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import parse_qs, urlparse

import pandas
import pytest
from botocore.exceptions import ClientError

from leaddesk import composition
from leaddesk.domain.exports import HEADER
from leaddesk.domain.list_filters import FILTERS_BY_NAME
from leaddesk.domain.models import Lead, LeadStatus, Outcome
from leaddesk_local.lambda_events import LambdaContext
from leaddesk_local.provision import Deployment, client
from tests.helpers.bus import capture_bus_events, drain
from tests.helpers.exports import csv_rows, exported_file, get_export, run_worker, start_export
from tests.helpers.leads import make_lead, put_leads, spaced
from tests.helpers.tenants import Partners
from tests.integration.test_api_browsing import walk


def as_json_body(params: dict[str, str]) -> dict[str, Any]:
    """The list's query parameters as the export's JSON body: arrays of values, booleans."""
    body: dict[str, Any] = {}
    for name, value in params.items():
        if name in FILTERS_BY_NAME:
            body[name] = value.split(",")
        elif name == "include_test":
            body[name] = value == "true"
        else:
            body[name] = value
    return body


def export(deployment: Deployment, body: dict[str, Any]) -> tuple[str, bytes]:
    status, job, headers = start_export(body)
    assert status == 202, job
    assert headers["Location"] == f"/exports/{job['export_id']}"
    assert job["status"] == "queued"
    run_worker(deployment)
    return job["export_id"], exported_file(deployment, job["export_id"])


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"tab": "qualified"},
        {"tab": "favorites", "sort": "customer_name"},
        {"status": "received,accepted"},
        {"country": "US,DE", "lead_quality": "high", "sort": "estimated_value"},
        {"customer_name": "contoso", "include_test": "true", "order": "asc"},
        {"email_validity": "valid,spam", "created_from": "2026-11-01T10:00:00Z"},
    ],
)
def test_the_file_holds_exactly_the_list_in_its_order(
    seeded: list[Lead], deployment: Deployment, params: dict[str, str]
) -> None:
    body = as_json_body(params)
    export_id, data = export(deployment, body)
    listed = walk(params, 100)
    rows = csv_rows(data)
    assert [r["LeadId"] for r in rows] == listed
    # The same file through a second, independent reader (pandas' C parser).
    frame = pandas.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
    assert list(frame.columns) == HEADER
    assert list(frame["LeadId"]) == listed
    assert frame.to_dict("records") == rows
    _status, job, _ = get_export(export_id)
    assert job["rows"] == len(listed) and job["progress"] == 1.0


def test_contact_details_of_expired_leads_are_empty_and_formulas_neutralised(deployment: Deployment) -> None:
    expired = make_lead(status=LeadStatus.ARCHIVED, outcome=Outcome.EXPIRED)
    formula = make_lead(created_at=spaced(2)[1], company='=HYPERLINK("http://x.example","hi")')
    put_leads([expired, formula], deployment.refs["LeadsTable"])
    _, data = export(deployment, {"bom": True})
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheets then read it as UTF-8
    assert b"\r\n" in data  # RFC 4180 line ends
    rows = {r["LeadId"]: r for r in csv_rows(data)}
    assert rows[expired.lead_id]["Email"] == "" and rows[expired.lead_id]["FirstName"] == ""
    assert rows[formula.lead_id]["Email"] == "ada@contoso.com"
    assert rows[formula.lead_id]["CustomerCompany"] == '\'=HYPERLINK("http://x.example","hi")'


def test_roles_tenants_listing_and_the_download_link(
    seeded: list[Lead], deployment: Deployment, partners: Partners
) -> None:
    status, body, _ = start_export({}, roles=("viewer",))
    assert status == 403
    status, body, _ = start_export({}, roles=("profile_admin",))
    assert status == 403
    status, body, _ = start_export({"status": ["bogus"]})
    assert status == 422 and body["field"] == "status.0"  # the body's path to the bad value
    status, body, _ = start_export({"status": "received"})  # in a JSON body, values are an array
    assert status == 422 and body["field"] == "status" and "array" in body["message"]
    status, body, _ = start_export({"include_test": "true"})
    assert status == 422 and body["field"] == "include_test"
    status, body, _ = start_export({"no_such_filter": "x"})
    assert status == 422 and "no_such_filter" in json.dumps(body)

    first, _ = export(deployment, {"tab": "qualified"})
    second, _ = export(deployment, {"status": ["received"]})
    assert get_export(first, partner=partners.other)[0] == 404  # another partner's id: as if none
    assert get_export("01JUNKNOWN0000000000000000")[0] == 404

    status, job, _ = get_export(second)
    assert status == 200 and job["status"] == "succeeded"
    url = urlparse(job["download_url"])
    query = parse_qs(url.query)
    assert int(query["X-Amz-Expires"][0]) <= 900  # at most 15 minutes
    assert "attachment" in query["response-content-disposition"][0]
    again = get_export(second)[1]
    assert again["download_url"] != job["download_url"] or again["download_expires_at"]

    from tests.helpers.api import call_api

    status, listed, _ = call_api("GET", "/exports", "/exports", roles=("viewer",), function="exports_api.app")
    assert status == 200
    assert [item["export_id"] for item in listed["items"]][:2] == [second, first]
    assert all(item["download_url"] is None for item in listed["items"])
    other = call_api("GET", "/exports", "/exports", partner=partners.other, function="exports_api.app")[1]
    assert other["items"] == []


def test_the_expected_rows_come_from_the_summary_counters_when_they_answer_the_query(
    deployment: Deployment,
) -> None:
    from tests.helpers.ingest import invoke, marketplace_lead, sqs_event

    invoke(sqs_event(*[marketplace_lead(f"ev-{n}", email=f"c{n}@contoso.com") for n in range(4)]))
    _status, job, _ = start_export({"status": ["received"]})
    assert job["expected_rows"] == 4 and job["progress"] == 0
    assert start_export({"country": ["US"]})[1]["expected_rows"] is None  # only a full count would tell
    run_worker(deployment)
    done = get_export(job["export_id"])[1]
    assert done["rows"] == 4 and done["progress"] == 1.0


def test_a_large_list_streams_in_parts_and_hands_on_when_short_of_time(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    import moto.s3.models

    from leaddesk.adapters import csv_upload
    from leaddesk.services import exports

    monkeypatch.setattr(csv_upload, "PART_SIZE", 8 * 1024)
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 8 * 1024)
    monkeypatch.setattr(exports, "PAGE", 40)
    leads = [make_lead(created_at=t, company=f"Company {i}") for i, t in enumerate(spaced(400))]
    put_leads(leads, deployment.refs["LeadsTable"])
    status, job, _ = start_export({})
    assert status == 202
    # Every invocation starts with 30 s left: under the safety margin after its first page.
    short = LambdaContext(function_name="ExportWorkerFunction", timeout_seconds=30)
    invocations = run_worker(deployment, short)
    assert invocations >= 400 // 40  # one page per invocation, each handing the rest on
    data = exported_file(deployment, job["export_id"])
    assert [r["LeadId"] for r in csv_rows(data)] == [lead.lead_id for lead in reversed(leads)]
    s3 = client("s3", None)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=deployment.refs["ExportBucket"])["Contents"]]
    assert not [k for k in keys if ".pending" in k]  # the side objects are gone once done
    assert s3.list_multipart_uploads(Bucket=deployment.refs["ExportBucket"]).get("Uploads", []) == []


def test_a_start_delivered_again_begins_a_new_attempt_and_the_old_one_stops(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leaddesk.services import exports
    from leaddesk.services.exports import ExportMessage, parse_message

    monkeypatch.setattr(exports, "PAGE", 10)
    put_leads([make_lead(created_at=t) for t in spaced(30)], deployment.refs["LeadsTable"])
    _status, job, _ = start_export({})
    sqs = client("sqs", None)
    url = deployment.refs["ExportQueue"]
    (start,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
    message = parse_message(start["Body"])
    worker = composition.export_worker()
    # A first delivery that stopped after its first page (its continuation still queued) ...
    first = worker.run(message, lambda: 0, 1)
    assert first.value == "running"
    # ... then the start delivered again: a new attempt writes the whole file.
    assert worker.run(message, lambda: 10**6, 2).value == "succeeded"
    # The first attempt's continuation arrives late and changes nothing.
    (late,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
    assert ExportMessage.model_validate_json(late["Body"]).attempt == 1
    assert worker.run(parse_message(late["Body"]), lambda: 10**6, 1).value == "succeeded"
    data = exported_file(deployment, job["export_id"])
    assert len(csv_rows(data)) == 30


def test_a_continuation_delivered_again_after_its_pause_writes_each_lead_once(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step paused (its buffered text in a side object) and then could not queue its
    continuation: SQS delivers it again, and it must read the text it read the first time (found
    by the fault-injection suite: the pause overwrote the one side object, and the retried step
    wrote its page twice)."""
    from leaddesk.adapters import aws
    from leaddesk.services import exports

    monkeypatch.setattr(exports, "PAGE", 10)
    leads = [make_lead(created_at=t) for t in spaced(35)]
    put_leads(leads, deployment.refs["LeadsTable"])
    sends: list[str] = []

    def busy(**_: Any) -> None:
        sends.append("SendMessage")
        if len(sends) == 3:  # the start, the first continuation, then the second one: refused once
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "busy"}}, "SendMessage")

    sqs: Any = aws.sqs()
    sqs.meta.events.register("before-call.sqs.SendMessage", busy)
    try:
        _status, job, _ = start_export({})
        run_worker(deployment, LambdaContext(function_name="ExportWorkerFunction", timeout_seconds=30))
    finally:
        sqs.meta.events.unregister("before-call.sqs.SendMessage", busy)
    assert len(sends) > 4  # the step was refused once and delivered again
    rows = csv_rows(exported_file(deployment, job["export_id"]))
    assert [r["LeadId"] for r in rows] == [lead.lead_id for lead in reversed(leads)]
    assert get_export(job["export_id"])[1]["rows"] == 35
    keys = [
        o["Key"]
        for o in client("s3", None).list_objects_v2(Bucket=deployment.refs["ExportBucket"])["Contents"]
    ]
    assert not [k for k in keys if ".pending" in k]


def test_a_complete_file_is_recorded_succeeded_through_a_failing_write(deployment: Deployment) -> None:
    """Once the upload is complete, a step delivered again could not write the file again: the
    job's success is written with retries of its own (found by the fault-injection suite: a
    throttled write there ended a complete export `failed`)."""
    from leaddesk.adapters import aws

    put_leads([make_lead(created_at=t) for t in spaced(5)], deployment.refs["LeadsTable"])
    completed: list[str] = []

    def complete(**_: Any) -> None:
        completed.append("CompleteMultipartUpload")

    def throttled(**_: Any) -> None:
        if len(completed) == 1:
            completed.append("refused")
            error = {"Code": "ProvisionedThroughputExceededException", "Message": "busy"}
            raise ClientError({"Error": error}, "PutItem")

    s3: Any = aws.s3()
    db: Any = aws.dynamodb()
    s3.meta.events.register("after-call.s3.CompleteMultipartUpload", complete)
    db.meta.events.register("before-call.dynamodb.PutItem", throttled)
    try:
        _status, job, _ = start_export({})
        assert run_worker(deployment) == 1  # no delivery again
    finally:
        s3.meta.events.unregister("after-call.s3.CompleteMultipartUpload", complete)
        db.meta.events.unregister("before-call.dynamodb.PutItem", throttled)
    assert completed == ["CompleteMultipartUpload", "refused"]
    assert len(csv_rows(exported_file(deployment, job["export_id"]))) == 5


def test_an_s3_failure_ends_the_export_failed_with_a_plain_reason(
    deployment: Deployment, caplog: pytest.LogCaptureFixture
) -> None:
    """The partner reads what happened and what to do; the service's error is for the logs only."""
    from leaddesk.adapters import aws

    put_leads([make_lead(created_at=t) for t in spaced(5)], deployment.refs["LeadsTable"])
    bus = capture_bus_events(deployment, {"source": ["leaddesk"], "detail-type": [{"prefix": "export."}]})

    def refuse(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "InternalError", "Message": "S3 is down"}}, "UploadPart")

    s3: Any = aws.s3()
    s3.meta.events.register("before-call.s3.UploadPart", refuse)
    try:
        _status, job, _ = start_export({})
        invocations = run_worker(deployment)
    finally:
        s3.meta.events.unregister("before-call.s3.UploadPart", refuse)
    assert invocations == 3  # the queue's maxReceiveCount: retried, then ended on the last delivery
    _status, failed, _ = get_export(job["export_id"])
    assert failed["status"] == "failed"
    assert "storage service" in failed["reason"] and "contact LeadDesk support" in failed["reason"]
    assert "S3 is down" not in failed["reason"] and "ClientError" not in failed["reason"]
    assert failed["download_url"] is None
    events = [e for e in drain(bus) if e.get("source") == "leaddesk"]
    assert [e["detail-type"] for e in events] == ["export.failed"]
    assert events[0]["detail"]["export_id"] == job["export_id"]
    assert events[0]["detail"]["reason"] == failed["reason"]
    logged = [r.__dict__.get("technical", "") for r in caplog.records if r.getMessage() == "export failed"]
    assert logged and "S3 is down" in logged[0]  # the detail, where support looks
    uploads = client("s3", None).list_multipart_uploads(Bucket=deployment.refs["ExportBucket"])
    assert uploads.get("Uploads", []) == []  # aborted, not left behind


def test_a_continuation_that_cannot_resume_ends_failed_with_its_upload_aborted(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A continuation whose buffered text can't be read back fails on every delivery: on the last
    one the job ends `failed` and the upload it carried is aborted (found by the fault-injection
    suite: the upload stayed open, since no writer had been built to abort it)."""
    from leaddesk.adapters import aws
    from leaddesk.services import exports

    monkeypatch.setattr(exports, "PAGE", 10)
    put_leads([make_lead(created_at=t) for t in spaced(30)], deployment.refs["LeadsTable"])

    def refuse(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "InternalError", "Message": "S3 is down"}}, "GetObject")

    s3: Any = aws.s3()
    s3.meta.events.register("before-call.s3.GetObject", refuse)
    try:
        _status, job, _ = start_export({})
        run_worker(deployment, LambdaContext(function_name="ExportWorkerFunction", timeout_seconds=30))
    finally:
        s3.meta.events.unregister("before-call.s3.GetObject", refuse)
    _status, failed, _ = get_export(job["export_id"])
    assert failed["status"] == "failed"
    uploads = client("s3", None).list_multipart_uploads(Bucket=deployment.refs["ExportBucket"])
    assert uploads.get("Uploads", []) == []
    keys = [
        o["Key"]
        for o in client("s3", None)
        .list_objects_v2(Bucket=deployment.refs["ExportBucket"])
        .get("Contents", [])
    ]
    assert not [k for k in keys if ".pending" in k]


def test_a_finished_export_announces_itself_on_the_bus(deployment: Deployment, partners: Partners) -> None:
    put_leads([make_lead(created_at=t) for t in spaced(3)], deployment.refs["LeadsTable"])
    bus = capture_bus_events(deployment, {"source": ["leaddesk"], "detail-type": ["export.completed"]})
    export_id, _ = export(deployment, {})
    (event,) = drain(bus)
    assert event["detail"]["export_id"] == export_id
    assert event["detail"]["partner_id"] == partners.contoso
    assert event["detail"]["row_count"] == 3
    assert "Ada" not in json.dumps(event)  # no customer data on the bus


def test_a_finished_export_the_bus_refuses_is_announced_later_not_lost(deployment: Deployment) -> None:
    """Past the SDK's retries PutEvents raises: the worker's export.completed waits on the
    pending-events queue for the republisher (the worker's role may send there)."""
    from leaddesk.adapters import aws

    def unreachable(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "PutEvents")

    put_leads([make_lead(created_at=t) for t in spaced(2)], deployment.refs["LeadsTable"])
    events = aws.events()
    events.meta.events.register_first("before-call.events.PutEvents", unreachable)
    try:
        export_id, _ = export(deployment, {})
    finally:
        events.meta.events.unregister("before-call.events.PutEvents", unreachable)
    assert get_export(export_id)[1]["status"] == "succeeded"
    parked = drain(deployment.refs["PendingEventsQueue"])
    assert [message["detail_type"] for message in parked] == ["export.completed"]


def test_a_message_that_is_no_export_goes_to_the_dead_letter_queue_with_its_reason(
    deployment: Deployment, partners: Partners
) -> None:
    sqs = client("sqs", None)
    partner = json.dumps(partners.contoso)
    sqs.send_message(QueueUrl=deployment.refs["ExportQueue"], MessageBody=f'{{"partner_id": {partner}}}')
    sqs.send_message(
        QueueUrl=deployment.refs["ExportQueue"],
        MessageBody=f'{{"partner_id": {partner}, "export_id": "01NOSUCHEXPORT000000000000"}}',
    )
    assert run_worker(deployment) == 2
    letters = drain(deployment.refs["ExportDeadLetterQueue"])
    reasons = sorted(
        (letter["_attributes"]["leaddesk-field"], letter["_attributes"]["leaddesk-reason"])
        for letter in letters
    )
    assert reasons[0][0] == "export_id" and "Field required" in reasons[0][1]
    assert reasons[1][0] == "export_id" and "no export" in reasons[1][1]


def test_the_crm_profile_imports_without_fixing_a_cell(deployment: Deployment) -> None:
    """Phones as stored (E.164), the extra columns, formulas still neutralised; read by pandas."""
    from leaddesk.domain.exports import CRM_HEADER
    from leaddesk.domain.models import Customer, Referrer, TeamMember

    lead = make_lead(
        status=LeadStatus.ACCEPTED,
        customer=Customer(
            first_name="Ada",
            last_name="Lovelace",
            email="ada@contoso.com",
            phone="+14255550128",
            country="US",
            company='\u200b=HYPERLINK("http://x.example")',
        ),
        description="Need 40 seats, call me",
        team=[TeamMember(name="Bo", email="bo@partner.example", phone="+14255550100")],
        referrer=Referrer(kind="partner", name="Dee", email="dee@partner.example"),
    )
    put_leads([lead], deployment.refs["LeadsTable"])
    status, body, _ = start_export({"profile": "excel"})
    assert status == 422 and body["field"] == "profile", body
    _, data = export(deployment, {"profile": "crm", "tab": "marketplace"})
    frame = pandas.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
    assert list(frame.columns) == CRM_HEADER
    (got,) = frame.to_dict("records")
    assert got["Phone"] == "+14255550128"
    assert got["Description"] == "Need 40 seats, call me"
    assert got["Team"] == "Bo <bo@partner.example> +14255550100"
    assert got["ReferrerName"] == "Dee" and got["TouchpointCount"] == "1"
    assert got["CustomerCompany"] == '\'\u200b=HYPERLINK("http://x.example")'
