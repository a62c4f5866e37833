"""The event shapes Lambda's event sources deliver, as the local stack builds them.

SQS batches, EventBridge scheduled events, API Gateway HTTP API (payload 2.0) events after
the JWT authorizer, and Lambda's context object; tests and the command line use them too.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from leaddesk_local.provision import ACCOUNT_ID, REGION
from leaddesk_local.template import FunctionSpec


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int = 512
    aws_request_id: str = ""
    invoked_function_arn: str = ""
    log_group_name: str = ""
    log_stream_name: str = "local"
    timeout_seconds: int = 30
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        """What is left of the function's timeout, as Lambda counts it from the invocation's start."""
        return max(0, int((self.started + self.timeout_seconds - time.monotonic()) * 1000))


def lambda_context(spec: FunctionSpec) -> LambdaContext:
    return LambdaContext(
        function_name=spec.logical_id,
        aws_request_id=str(uuid.uuid4()),
        invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{spec.logical_id}",
        log_group_name=f"/aws/lambda/{spec.logical_id}",
        timeout_seconds=spec.timeout,
        memory_limit_in_mb=spec.memory_size,
    )


def parse_time(text: str) -> datetime:
    """ISO 8601 (a trailing Z allowed); naive times are UTC."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def scheduled_event(
    time_text: str, rule_arn: str = f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/local"
) -> dict[str, Any]:
    """EventBridge's Scheduled Event, as a Schedule event source delivers it to Lambda."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": time_text,
        "region": REGION,
        "resources": [rule_arn],
        "detail": {},
    }


def bus_entry(document: dict[str, Any]) -> dict[str, Any]:
    """A PutEvents entry from either an EventBridge envelope or a PutEvents entry."""
    if "DetailType" in document:
        detail = document["Detail"]
        return {
            "Source": document.get("Source", "leaddesk.local"),
            "DetailType": document["DetailType"],
            "Detail": detail if isinstance(detail, str) else json.dumps(detail),
        }
    if "detail-type" in document:
        return {
            "Source": document.get("source", "leaddesk.local"),
            "DetailType": document["detail-type"],
            "Detail": json.dumps(document.get("detail", {})),
        }
    raise ValueError(
        "not an event: expected an EventBridge envelope (detail-type, detail) or a PutEvents entry"
    )


def sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """An SQS message as Lambda's SQS event source presents it."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value.get("DataType", "String"),
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


def http_api_event(
    request: Request,
    route_method: str,
    route_path: str,
    path_parameters: dict[str, str],
    claims: dict[str, str] | None,
) -> dict[str, Any]:
    """An HTTP API (payload format 2.0) event, as API Gateway builds it after the JWT authorizer."""
    body = request.get_data()
    text_body: str | None = None
    is_base64 = False
    if body:
        try:
            text_body = body.decode("utf-8")
        except UnicodeDecodeError:
            text_body, is_base64 = base64.b64encode(body).decode(), True
    return api_event(
        method=request.method,
        path=request.path,
        route_path=route_path,
        route_method=route_method,
        path_parameters=path_parameters,
        query={key: request.args.getlist(key) for key in request.args},
        raw_query=request.query_string.decode(),
        headers={key.lower(): value for key, value in request.headers.items()},
        body=text_body,
        is_base64=is_base64,
        claims=claims,
        source_ip=request.remote_addr or "127.0.0.1",
    )


def api_event(
    method: str,
    path: str,
    route_path: str,
    claims: dict[str, str] | None,
    route_method: str | None = None,
    path_parameters: dict[str, str] | None = None,
    query: dict[str, list[str]] | None = None,
    raw_query: str | None = None,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    is_base64: bool = False,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """API Gateway HTTP API payload 2.0: repeated query keys are joined with commas."""

    query = query or {}
    route_key = f"{route_method or method} {route_path}"
    now = datetime.now(UTC)
    return {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": raw_query if raw_query is not None else urlencode(query, doseq=True),
        "headers": headers or {},
        "queryStringParameters": {key: ",".join(values) for key, values in query.items()} or None,
        "pathParameters": path_parameters or None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": "local",
            "authorizer": {"jwt": {"claims": claims, "scopes": None}} if claims is not None else None,
            "domainName": "127.0.0.1",
            "domainPrefix": "127",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": (headers or {}).get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def lambda_proxy_response(answer: Any) -> Response:
    if not isinstance(answer, dict) or "statusCode" not in answer:
        # HTTP API payload 2.0 also accepts a bare JSON value as a 200.
        return json_response(200, answer)
    body = answer.get("body") or ""
    data = base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode()
    response = Response(data, status=int(answer["statusCode"]))
    for name, value in (answer.get("headers") or {}).items():
        response.headers[name] = value
    for name, values in (answer.get("multiValueHeaders") or {}).items():
        for value in values:
            response.headers.add(name, value)
    for cookie in answer.get("cookies") or []:
        response.headers.add("Set-Cookie", cookie)
    return response


def json_response(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
