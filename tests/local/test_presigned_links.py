"""The local stack's S3 checks a presigned link as S3 does: a tampered or expired link is refused."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from leaddesk_local.presigned import PresignedLinks

ENDPOINT = "http://127.0.0.1:5000"


def served(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
    return Response(b"the file")(environ, start_response)


def link(key: str = "exports/p-a/e-1.csv", expires_in: int = 300, secret: str = "testing") -> str:
    from botocore.config import Config
    from botocore.session import get_session

    s3 = get_session().create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url=ENDPOINT,
        aws_access_key_id="testing",
        aws_secret_access_key=secret,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    return str(
        s3.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": "exports-bucket",
                "Key": key,
                "ResponseContentDisposition": 'attachment; filename="a b.csv"',
            },
            ExpiresIn=expires_in,
        )
    )


def fetch(url: str, clock: Callable[[], float] = time.time) -> tuple[int, bytes]:
    parts = urlsplit(url)
    answer = Client(PresignedLinks(served, clock=clock)).get(
        parts.path, query_string=parts.query, base_url=f"{parts.scheme}://{parts.netloc}"
    )
    return answer.status_code, answer.get_data()


def test_a_link_as_signed_is_served() -> None:
    assert fetch(link()) == (200, b"the file")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url: url.replace("exports/p-a/e-1.csv", "exports/p-b/e-1.csv"),  # another partner's file
        lambda url: url.replace("X-Amz-Expires=300", "X-Amz-Expires=99999"),  # a longer life
        lambda url: url.replace("attachment", "inline"),
    ],
)
def test_a_tampered_link_is_refused(tamper: Callable[[str], str]) -> None:
    url = link()
    assert tamper(url) != url
    status, body = fetch(tamper(url))
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body


def test_a_link_signed_with_another_secret_is_refused() -> None:
    status, body = fetch(link(secret="not-the-stacks"))
    assert status == 403 and b"SignatureDoesNotMatch" in body


def test_an_expired_link_is_refused() -> None:
    url = link(expires_in=60)
    assert fetch(url, clock=lambda: time.time() + 59)[0] == 200
    status, body = fetch(url, clock=lambda: time.time() + 61)
    assert status == 403 and b"<Code>AccessDenied</Code><Message>Request has expired</Message>" in body


def test_requests_signed_in_their_header_pass_as_before() -> None:
    answer = Client(PresignedLinks(served)).get("/exports-bucket/exports/p-a/e-1.csv")
    assert answer.status_code == 200
