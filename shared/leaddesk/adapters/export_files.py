"""The export bucket: each export's CSV file, written by multipart upload, and the short-lived
links that download it (the file itself stays private)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leaddesk.adapters.csv_upload import MultipartCsv, UploadState

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class ExportFiles:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self._s3 = client
        self._bucket = bucket

    def start(self, key: str, header: list[str], bom: bool) -> MultipartCsv:
        """A new file's upload, its header row written."""
        return MultipartCsv.start(self._s3, self._bucket, key, header, bom)

    def resume(self, key: str, state: UploadState) -> MultipartCsv:
        """An upload another invocation paused (`MultipartCsv.pause`), carried on."""
        return MultipartCsv.resume(self._s3, self._bucket, key, state)

    def paused(self, key: str, state: UploadState) -> MultipartCsv:
        """A paused upload as it stands, without reading its buffered text back: enough to abort it."""
        return MultipartCsv(self._s3, self._bucket, key, state)

    def download_link(self, key: str, filename: str, expires_in: int) -> str:
        """A presigned GET of the file, saved by the browser as `filename`."""
        return self._s3.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
                "ResponseContentType": "text/csv; charset=utf-8",
            },
            ExpiresIn=expires_in,
        )
