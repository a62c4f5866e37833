"""Exports: the API side (start, follow, list) and the worker that writes the file.

A job is stored `queued` and a message is put on the export queue; the worker reads the list
page after page with the very query `GET /leads` runs, streams the rows into an S3 multipart
upload, records its progress once per page, and hands the rest on (a continuation message with
the cursor and the upload's state) when its invocation runs short of time. It ends `succeeded`
(and `export.completed` on the bus) or `failed` with a reason (and `export.failed`), never hangs:

- a start message (delivered again after a crash, or twice) begins a new *attempt* with its own
  upload and file; every write of a job is conditional on its attempt, so a stale run stops at
  its next write and the newest one wins;
- a continuation message is a deterministic step from its cursor: delivered again, it writes
  the same parts again;
- a failure is retried by SQS (the message comes back) until its last delivery, which ends the
  job `failed` with the reason instead of leaving it to the dead-letter queue.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger
from pydantic import BaseModel, ValidationError
from ulid import ULID

from leaddesk.adapters.csv_upload import MultipartCsv, UploadState
from leaddesk.adapters.export_files import ExportFiles
from leaddesk.adapters.export_queue import ExportQueue
from leaddesk.adapters.exports_store import ExportConflict, ExportsStore
from leaddesk.adapters.failures import TransientStoreError
from leaddesk.adapters.store import LeadStore
from leaddesk.domain.errors import ExportNotFound
from leaddesk.domain.events import export_completed, export_failed
from leaddesk.domain.exports import (
    ExportJob,
    ExportList,
    ExportRequest,
    ExportStatus,
    ExportView,
    header,
    object_key,
    row,
)
from leaddesk.domain.filters import FilterTooLarge
from leaddesk.domain.problems import first_problem
from leaddesk.services.changes import ChangePublisher
from leaddesk.services.records import DEAD_LETTER, RETRY, QueuedRecord

logger = Logger(child=True)
PAGE = 500  # leads read per query: rows are written and progress recorded page by page
SAFETY_MS = 30_000  # hand the rest on when an invocation has less than this left
FINISH_ATTEMPTS = 5  # tries at recording a complete file's success (each with botocore's retries)


ACTIVE = (ExportStatus.QUEUED, ExportStatus.RUNNING)
RUNNING = (ExportStatus.RUNNING,)


class UnusableMessage(Exception):
    """A message of the export queue that can never be carried out (it is dead-lettered)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class ExportMessage(BaseModel):
    """The export queue's message: a job to start, or an attempt to carry on from where it stopped."""

    partner_id: str
    export_id: str
    attempt: int | None = None  # None: start (a new attempt)
    cursor: str | None = None
    upload: UploadState | None = None
    rows: int = 0


class ExportsService:
    """What the export API does."""

    def __init__(
        self,
        jobs: ExportsStore,
        leads: LeadStore,
        queue: ExportQueue,
        files: ExportFiles,
        clock: Callable[[], datetime],
        link_seconds: int,
    ) -> None:
        self._jobs = jobs
        self._leads = leads
        self._queue = queue
        self._files = files
        self._clock = clock
        self._link_seconds = link_seconds

    def start(
        self, partner_id: str, requested_by: str, requester_email: str | None, request: ExportRequest
    ) -> ExportView:
        now = self._clock()
        export_id = str(ULID.from_datetime(now))
        job = ExportJob(
            export_id=export_id,
            partner_id=partner_id,
            requested_by=requested_by,
            requester_email=requester_email,
            request=request,
            expected_rows=self._expected_rows(partner_id, request),
            created_at=now,
            updated_at=now,
        )
        self._jobs.create(job)
        try:
            self._queue.send(ExportMessage(partner_id=partner_id, export_id=export_id).model_dump_json())
        except Exception:
            # Never a job that waits for a message that was not sent.
            failed = job.model_copy(
                update={"status": ExportStatus.FAILED, "reason": "could not be queued; try again"}
            )
            self._jobs.save(failed, (ExportStatus.QUEUED,), job.attempt)
            raise
        return self._view(job)

    def _expected_rows(self, partner_id: str, request: ExportRequest) -> int | None:
        """The file's row count from the summary counters, when they answer the query exactly."""
        query = request.to_query()
        statuses = query.counted_statuses()
        if statuses is None:
            return None
        counts = self._leads.counts(partner_id)
        return sum(counts[(query.tab, status)] for status in statuses)

    def get(self, partner_id: str, export_id: str) -> ExportView:
        job = self._jobs.get(partner_id, export_id)
        if job is None:
            raise ExportNotFound(export_id)
        return self._view(job)

    def recent(self, partner_id: str) -> ExportList:
        return ExportList(items=[self._view(job, link=False) for job in self._jobs.recent(partner_id)])

    def _view(self, job: ExportJob, link: bool = True) -> ExportView:
        view = ExportView(
            export_id=job.export_id,
            status=job.status,
            rows=job.rows,
            expected_rows=job.expected_rows,
            progress=_progress(job),
            reason=job.reason,
            request=job.request,
            created_at=job.created_at,
            finished_at=job.finished_at,
        )
        if link and job.status is ExportStatus.SUCCEEDED and job.object_key:
            # A fresh link on every read, valid a few minutes: the file itself stays private.
            view.download_url = self._files.download_link(
                job.object_key, f"leads-{job.export_id}.csv", self._link_seconds
            )
            view.download_expires_at = self._clock() + timedelta(seconds=self._link_seconds)
        return view


def _progress(job: ExportJob) -> float | None:
    if job.status is ExportStatus.SUCCEEDED:
        return 1.0
    if not job.expected_rows:
        return None
    # Leads that arrive while the file is written can make it longer than expected.
    return min(job.rows / job.expected_rows, 0.99)


@dataclass(frozen=True)
class ExportRecordResult:
    """What became of one export queue message: the job's status, `retry` or `dead_letter`."""

    message_id: str
    fate: str
    export_id: str | None = None
    reason: str | None = None
    field: str | None = None  # dead letters: the offending field

    def log_fields(self) -> dict[str, object]:
        return {"export_id": self.export_id}


class ExportWorker:
    """Writes an export's file, page after page, handing on what it cannot finish in time."""

    def __init__(
        self,
        jobs: ExportsStore,
        leads: LeadStore,
        queue: ExportQueue,
        files: ExportFiles,
        changes: ChangePublisher,
        clock: Callable[[], datetime],
        max_receives: int,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._jobs = jobs
        self._leads = leads
        self._queue = queue
        self._files = files
        self._changes = changes
        self._clock = clock
        self._max_receives = max_receives
        self._sleep = sleep

    def take(
        self, records: Sequence[QueuedRecord], time_left_ms: Callable[[], int]
    ) -> list[ExportRecordResult]:
        """The export queue's messages (one per invocation: batch size 1), each carried on."""
        results = []
        for record in records:
            try:
                message = parse_message(record.body)
                status = self.run(message, time_left_ms, record.receive_count)
            except UnusableMessage as error:
                results.append(
                    ExportRecordResult(record.message_id, DEAD_LETTER, reason=error.reason, field=error.field)
                )
                continue
            except Exception as error:
                logger.exception("export message failed; SQS delivers it again")
                reason = f"{type(error).__name__}: {error}"[:500]
                results.append(ExportRecordResult(record.message_id, RETRY, reason=reason))
                continue
            results.append(ExportRecordResult(record.message_id, status.value, message.export_id))
        return results

    def run(
        self, message: ExportMessage, time_left_ms: Callable[[], int], receive_count: int
    ) -> ExportStatus:
        """Carry the job on, to its end or to a continuation. Raises UnusableMessage (no such job)
        or, on a failure SQS should retry, the failure itself (until the last delivery)."""
        job = self._jobs.get(message.partner_id, message.export_id)
        if job is None:
            raise UnusableMessage("export_id", f"no export {message.export_id} of {message.partner_id}")
        if job.status not in ACTIVE:
            return job.status  # a message delivered again: the job is already over
        if message.attempt is not None and message.attempt != job.attempt:
            logger.info("the continuation of a replaced attempt; dropped", extra={"export_id": job.export_id})
            return job.status
        try:
            return self._attempt(job, message, time_left_ms, receive_count >= self._max_receives)
        except ExportConflict:
            logger.info("a newer attempt owns this export; stopped", extra={"export_id": job.export_id})
            return ExportStatus.RUNNING

    def _attempt(
        self, job: ExportJob, message: ExportMessage, time_left_ms: Callable[[], int], last_delivery: bool
    ) -> ExportStatus:
        writer: MultipartCsv | None = None
        try:
            if message.attempt is None:
                job = self._begin(job)
                writer = self._files.start(_key(job), header(job.request.profile), job.request.bom)
            else:
                assert message.upload is not None, "a continuation carries its upload"
                writer = self._files.resume(_key(job), message.upload)
            return self._write(job, writer, message.cursor, message.rows, time_left_ms)
        except ExportConflict:
            _abort(writer, job)
            raise
        except Exception as error:
            if not last_delivery:
                if message.attempt is None:
                    _abort(writer, job)  # its delivery again begins a new attempt with a new upload
                raise  # SQS delivers the message again (a continuation writes the same parts again)
            technical = f"{type(error).__name__}: {error}"[:500]  # for the logs only
            logger.exception("export failed", extra={"export_id": job.export_id, "technical": technical})
            if writer is None and message.upload is not None:
                # The continuation could not even resume (its side object unreadable): its upload
                # is still open and must end with the job.
                writer = self._files.paused(_key(job), message.upload)
            _abort(writer, job)
            reason = failure_reason(error)
            now = self._clock()
            ended = {"status": ExportStatus.FAILED, "reason": reason, "finished_at": now, "updated_at": now}
            failed = job.model_copy(update=ended)
            self._jobs.save(failed, ACTIVE, job.attempt)  # also when it failed before it began
            self._changes.publish([export_failed(failed, reason)])
            return ExportStatus.FAILED

    def _begin(self, job: ExportJob) -> ExportJob:
        attempt = job.attempt + 1
        begun = job.model_copy(
            update={
                "status": ExportStatus.RUNNING,
                "attempt": attempt,
                "rows": 0,
                "object_key": object_key(job.partner_id, job.export_id, attempt),
                "updated_at": self._clock(),
            }
        )
        self._jobs.save(begun, ACTIVE, job.attempt)
        return begun

    def _write(
        self,
        job: ExportJob,
        writer: MultipartCsv,
        cursor: str | None,
        rows: int,
        time_left_ms: Callable[[], int],
    ) -> ExportStatus:
        query = job.request.to_query()
        while True:
            page = self._leads.query_leads(job.partner_id, query, PAGE, cursor)
            writer.write(row(lead, job.request.profile) for lead in page.leads)
            rows += len(page.leads)
            cursor = page.cursor
            if cursor is None:
                writer.finish()
                done = self._succeeded(job, rows)
                self._changes.publish([export_completed(done, rows)])
                _remove_sides(writer, job)
                return ExportStatus.SUCCEEDED
            job = self._save(job, rows=rows)
            if time_left_ms() < SAFETY_MS:
                onward = ExportMessage(
                    partner_id=job.partner_id,
                    export_id=job.export_id,
                    attempt=job.attempt,
                    cursor=cursor,
                    upload=writer.pause(rows),
                    rows=rows,
                )
                self._queue.send(onward.model_dump_json())
                return ExportStatus.RUNNING

    def _succeeded(self, job: ExportJob, rows: int) -> ExportJob:
        """The job `succeeded`, its file complete: written with retries of its own, since a step
        delivered again once its upload is complete could not write the file again."""
        for attempt in range(FINISH_ATTEMPTS):
            try:
                return self._save(job, status=ExportStatus.SUCCEEDED, rows=rows, finished_at=self._clock())
            except TransientStoreError:
                if attempt + 1 == FINISH_ATTEMPTS:
                    raise
                self._sleep(0.1 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _save(self, job: ExportJob, **changes: object) -> ExportJob:
        """The running attempt's next state (ExportConflict when a newer attempt replaced it)."""
        updated = job.model_copy(update={**changes, "updated_at": self._clock()})
        self._jobs.save(updated, RUNNING, job.attempt)
        return updated


def _key(job: ExportJob) -> str:
    assert job.object_key is not None, "an attempt has begun"
    return job.object_key


def _remove_sides(writer: MultipartCsv, job: ExportJob) -> None:
    try:
        writer.remove_sides()
    except Exception:  # the bucket's retention rule deletes them with the file
        logger.warning("could not remove the side objects", extra={"export_id": job.export_id})


def _abort(writer: MultipartCsv | None, job: ExportJob) -> None:
    if writer is None:
        return
    try:
        writer.abort()
    except Exception:  # the bucket's lifecycle rule removes abandoned uploads too
        logger.warning("could not abort the upload", extra={"export_id": job.export_id})


def parse_message(body: str) -> ExportMessage:
    """The export queue's message, or UnusableMessage saying what is wrong with it."""
    try:
        return ExportMessage.model_validate_json(body)
    except ValidationError as error:
        raise UnusableMessage(*first_problem(error)) from error


def failure_reason(error: Exception) -> str:
    """What the partner is told of a failed export (its page, its email, `export.failed`): a plain
    reason, and what to do beyond starting it again (which the page and the email say). The
    technical detail (a service's error) stays in the logs."""
    if isinstance(error, FilterTooLarge):
        return f"its {error.field} filter has more values than one export can use: choose fewer"
    return (
        "a storage service did not answer as expected while the file was written; "
        "if it fails again, contact LeadDesk support with this export's id"
    )
