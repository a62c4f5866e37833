"""Export jobs in the single table, under the partner's key (`P#<partner>`, `X#<export id>`):
export ids are ULIDs, so a partner's recent exports are its newest keys."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leaddesk.adapters.dynamo.keys import partner_key
from leaddesk.adapters.failures import PermanentFailure, TransientStoreError, permanent_failure
from leaddesk.domain.exports import ExportJob, ExportStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

RECENT = 50  # how many exports `GET /exports` lists
RETENTION_SECONDS = 30 * 24 * 3600  # the record outlives its file (7 days by default) for a while


class ExportConflict(Exception):
    """The job is not in the state the write expected (another worker moved it on)."""


def _key(partner_id: str, export_id: str) -> dict[str, Any]:
    return {"PK": {"S": partner_key(partner_id)}, "SK": {"S": f"X#{export_id}"}}


class ExportsStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._db = client
        self._table = table_name

    def create(self, job: ExportJob) -> None:
        self._db.put_item(
            TableName=self._table,
            Item={**_key(job.partner_id, job.export_id), **self._attributes(job)},
            ConditionExpression="attribute_not_exists(PK)",
        )

    def get(self, partner_id: str, export_id: str) -> ExportJob | None:
        item = self._db.get_item(
            TableName=self._table, Key=_key(partner_id, export_id), ConsistentRead=True
        ).get("Item")
        return ExportJob.model_validate_json(item["doc"]["S"]) if item else None

    def recent(self, partner_id: str) -> list[ExportJob]:
        answer = self._db.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :x)",
            ExpressionAttributeValues={":pk": {"S": partner_key(partner_id)}, ":x": {"S": "X#"}},
            ScanIndexForward=False,
            Limit=RECENT,
        )
        return [ExportJob.model_validate_json(item["doc"]["S"]) for item in answer.get("Items", [])]

    def save(self, job: ExportJob, expected: Iterable[ExportStatus], attempt: int) -> None:
        """Write the job's new state if it is still in one of `expected` and at `attempt` (a finished
        job stays finished; a stale attempt cannot write over the one that replaced it).
        Raises ExportConflict when it is not, PermanentFailure when the write can never succeed
        as it is, TransientStoreError when DynamoDB refused it this time (throttling, a 5xx)."""
        allowed = {f":s{n}": {"S": status.value} for n, status in enumerate(expected)}
        try:
            self._db.put_item(
                TableName=self._table,
                Item={**_key(job.partner_id, job.export_id), **self._attributes(job)},
                ConditionExpression=f"#status IN ({', '.join(allowed)}) AND attempt = :attempt",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={**allowed, ":attempt": {"N": str(attempt)}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ExportConflict(job.export_id) from error
            reason = permanent_failure(error)
            if reason is not None:
                raise PermanentFailure(reason) from error
            raise TransientStoreError(str(error)) from error

    @staticmethod
    def _attributes(job: ExportJob) -> dict[str, Any]:
        return {
            "type": {"S": "export"},
            "status": {"S": job.status.value},
            "attempt": {"N": str(job.attempt)},
            "doc": {"S": job.model_dump_json()},
            "ttl": {"N": str(int(job.created_at.timestamp()) + RETENTION_SECONDS)},
        }
