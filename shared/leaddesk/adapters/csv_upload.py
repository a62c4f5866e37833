"""A CSV file written to S3 as it is produced: rows are buffered and sent as multipart upload
parts of at least 5 MiB (S3's minimum but for the last), so the file is never held whole.

An upload can stop between parts and carry on in another process: `state` (upload id, the
parts' ETags) is what a continuation needs; what is buffered but too small to be a part waits in
a side object beside the file, read back when the upload resumes. Each pause writes a side
object of its own, named by its position in the file (`<key>.pending.<rows so far>`): a
resumption that fails and is tried again reads the text it read the first time, never what its
own later pause wrote. Side objects are kept until the upload ends, then removed.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from leaddesk.adapters.batching import chunked

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PART_SIZE = 5 * 1024 * 1024  # S3 multipart's smallest part (but for the last)
DELETE_LIMIT = 1000  # keys per DeleteObjects


class UploadState(BaseModel):
    upload_id: str
    parts: list[str] = Field(default_factory=list, description="ETags of the parts sent, in order")
    pending: bool = Field(default=False, description="Whether text waits in the last side object")
    sides: list[int] = Field(
        default_factory=list, description="Positions of the side objects written, oldest first"
    )


class MultipartCsv:
    def __init__(self, client: S3Client, bucket: str, key: str, state: UploadState) -> None:
        self._s3 = client
        self._bucket = bucket
        self._key = key
        self.state = state
        self._new_buffer()

    def _new_buffer(self) -> None:
        # Rows are encoded as they are written: the part is ready to send without another copy.
        self._buffer = io.BytesIO()
        text = io.TextIOWrapper(self._buffer, encoding="utf-8", newline="", write_through=True)
        self._writer = csv.writer(text, lineterminator="\r\n")  # RFC 4180

    @classmethod
    def resume(cls, client: S3Client, bucket: str, key: str, state: UploadState) -> MultipartCsv:
        carried_on = state.model_copy(
            update={"pending": False, "parts": list(state.parts), "sides": list(state.sides)}
        )
        writer = cls(client, bucket, key, carried_on)
        if state.pending:
            side = client.get_object(
                Bucket=bucket, Key=writer._side(state.sides[-1] if state.sides else None)
            )
            writer._buffer.write(side["Body"].read())
        return writer

    def _side(self, position: int | None) -> str:
        # A pause queued before side objects were named by position used a single `.pending`.
        return f"{self._key}.pending" if position is None else f"{self._key}.pending.{position}"

    @classmethod
    def start(cls, client: S3Client, bucket: str, key: str, header: list[str], bom: bool) -> MultipartCsv:
        upload = client.create_multipart_upload(
            Bucket=bucket, Key=key, ContentType="text/csv; charset=utf-8", ServerSideEncryption="AES256"
        )
        writer = cls(client, bucket, key, UploadState(upload_id=upload["UploadId"]))
        if bom:
            writer._buffer.write(codecs.BOM_UTF8)
        writer.write([header])
        return writer

    def write(self, rows: Iterable[list[str]]) -> None:
        self._writer.writerows(rows)
        if self._buffer.tell() >= PART_SIZE:
            self._send(self._buffer.getvalue())
            self._new_buffer()

    def pause(self, position: int) -> UploadState:
        """What another process needs to carry on from `position` (the rows written so far); the
        buffered text waits in the side object of that position."""
        pending = self._buffer.getvalue()
        if not pending:
            return self.state.model_copy(update={"pending": False})
        self._s3.put_object(
            Bucket=self._bucket, Key=self._side(position), Body=pending, ServerSideEncryption="AES256"
        )
        sides = self.state.sides if self.state.sides[-1:] == [position] else [*self.state.sides, position]
        return self.state.model_copy(update={"pending": True, "sides": sides})

    def finish(self) -> None:
        """The last part, and the file complete (its side objects stay until `remove_sides`)."""
        last = self._buffer.getvalue()
        if last or not self.state.parts:
            self._send(last)
        self._s3.complete_multipart_upload(
            Bucket=self._bucket,
            Key=self._key,
            UploadId=self.state.upload_id,
            MultipartUpload={
                "Parts": [{"PartNumber": n, "ETag": etag} for n, etag in enumerate(self.state.parts, start=1)]
            },
        )

    def abort(self) -> None:
        self._s3.abort_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self.state.upload_id)
        self.remove_sides()

    def remove_sides(self) -> None:
        """Delete the side objects of the upload (once it has ended)."""
        keys = [self._side(None), *(self._side(position) for position in self.state.sides)]
        for chunk in chunked(keys, DELETE_LIMIT):
            self._s3.delete_objects(
                Bucket=self._bucket, Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True}
            )

    def _send(self, data: bytes) -> None:
        part = self._s3.upload_part(
            Bucket=self._bucket,
            Key=self._key,
            UploadId=self.state.upload_id,
            PartNumber=len(self.state.parts) + 1,
            Body=data,
        )
        self.state.parts.append(part["ETag"])
