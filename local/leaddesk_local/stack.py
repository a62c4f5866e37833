"""The local stack: moto in server mode + the real handlers, wired from template.yaml.

- every queue, table, bus and rule of the template is created in moto;
- each SQS event source of a function gets a poller that invokes the handler with Lambda's
  SQS batch event and honours `batchItemFailures` (failed messages come back after
  `retry_delay` seconds, and moto's redrive policy moves them to the dead-letter queue);
- EventBridge rules deliver to their SQS targets through moto's own pattern matching;
- each HttpApi route is served on the API port as an API Gateway v2 event whose JWT claims
  come from a verified local token (401 without one, as the JWT authorizer answers; routes
  declared with `Auth: Authorizer: NONE` need none);
- each Schedule / ScheduleV2 event of a function is fired by a local scheduler (moto never
  fires schedules) every `schedule_interval` seconds of wall time, with EventBridge's
  Scheduled Event shape whose `time` is "now"; `POST /_local/schedules/<Function>?at=TIME`
  on the API port fires it once "at" any time (what `leaddesk sweep --at` uses);
- `GET /docs` serves Swagger UI for the API's OpenAPI document (development only).

Like Lambda, each function instance handles one invocation at a time (a lock per function):
Powertools' resolver keeps the current event on the app object.
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from leaddesk_local import tokens
from leaddesk_local.provision import ACCOUNT_ID, REGION, Deployment, client, provision
from leaddesk_local.template import PROJECT_ROOT, FunctionSpec, Template, resolve

Handler = Callable[[dict[str, Any], Any], Any]
SAMPLES_DIR = PROJECT_ROOT / "events" / "inbound"
# Per-function names that may differ between functions sharing this one process.
_PER_FUNCTION_VARIABLES = {"POWERTOOLS_SERVICE_NAME"}


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int = 512
    aws_request_id: str = ""
    invoked_function_arn: str = ""
    log_group_name: str = ""
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@dataclass
class Route:
    method: str
    path: str  # template form: /leads/{lead_id}
    function: str
    handler: Handler
    authorized: bool = True  # False for `Auth: Authorizer: NONE`

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in ("ANY", "X-AMAZON-APIGATEWAY-ANY-METHOD", method):
            return None
        pattern, actual = self.path.strip("/").split("/"), path.strip("/").split("/")
        if len(pattern) != len(actual):
            return None
        parameters = {}
        for want, got in zip(pattern, actual, strict=True):
            if want.startswith("{") and want.endswith("}"):
                if not got:
                    return None
                parameters[want[1:-1]] = got
            elif want != got:
                return None
        return parameters


def _context(spec: FunctionSpec) -> LambdaContext:
    return LambdaContext(
        function_name=spec.logical_id,
        aws_request_id=str(uuid.uuid4()),
        invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{spec.logical_id}",
        log_group_name=f"/aws/lambda/{spec.logical_id}",
    )


class LocalStack:
    def __init__(
        self,
        template: Template,
        api_port: int = 3000,
        aws_port: int = 5000,
        host: str = "127.0.0.1",
        stack_name: str = "leaddesk",
        retry_delay: int = 2,
        environment: dict[str, str] | None = None,
        log: Callable[[str], None] = print,
        schedule_interval: float = 60.0,
    ) -> None:
        self.template = template
        self.api_port = api_port
        self.aws_port = aws_port
        self.host = host
        self.stack_name = stack_name
        self.retry_delay = retry_delay
        self.overrides = environment or {}
        self.log = log
        self.endpoint_url = f"http://{host}:{aws_port}"
        self.api_url = f"http://{host}:{api_port}"
        self.deployment: Deployment | None = None
        self.routes: list[Route] = []
        self.schedules: dict[str, Schedule] = {}
        self.schedule_interval = schedule_interval
        self._locks: dict[str, threading.Lock] = {}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._moto: Any = None
        self._http: BaseWSGIServer | None = None

    # --- start / stop ------------------------------------------------------------------
    def start(self) -> None:
        from leaddesk_local.motoserver import AtomicMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's and our request lines
        for port in (self.aws_port, self.api_port):
            ensure_port_free(self.host, port)
        self._moto = AtomicMotoServer(ip_address=self.host, port=self.aws_port, verbose=False)
        self._moto.start()
        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
                "AWS_ENDPOINT_URL": self.endpoint_url,
                "AWS_READ_TIMEOUT": "120",  # moto reads a whole table per index query
            }
        )
        self.log(f"moto server on {self.endpoint_url}; creating the resources of template.yaml")
        self.deployment = provision(self.template, self.endpoint_url, self.stack_name, progress=self.log)
        specs = self.template.functions()
        self._configure_process(specs)
        for spec in specs:
            handler = self._import(spec)
            self._wire(spec, handler)
        self._serve_api()

    def stop(self) -> None:
        self._stop.set()
        if self._http is not None:
            self._http.shutdown()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._moto is not None:
            self._moto.stop()

    def _configure_process(self, specs: list[FunctionSpec]) -> None:
        """One process hosts every function: put their code and layers on the path, merge envs."""
        assert self.deployment is not None
        for spec in specs:
            for path in [PROJECT_ROOT / spec.code_uri, *self.template.layer_paths(spec)]:
                if str(path) not in sys.path:
                    sys.path.insert(0, str(path))
        os.environ.update(merged_environment(self.template, self.deployment) | self.overrides)

    def _import(self, spec: FunctionSpec) -> Handler:
        module_name, _, function_name = spec.handler.rpartition(".")
        handler: Handler = getattr(importlib.import_module(module_name), function_name)
        return handler

    def _wire(self, spec: FunctionSpec, handler: Handler) -> None:
        assert self.deployment is not None
        for name, properties in spec.events_of("SQS").items():
            resolved = resolve(properties, self.deployment.lookup, self.template.parameters)
            queue_arn = resolved["Queue"]
            queue_url = self._queue_url(queue_arn)
            batch_size = int(resolved.get("BatchSize", 10))
            reports_failures = "ReportBatchItemFailures" in resolved.get("FunctionResponseTypes", [])
            thread = threading.Thread(
                target=self._poll,
                args=(spec, handler, queue_url, queue_arn, batch_size, reports_failures),
                name=f"{spec.logical_id}.{name}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
            self.log(f"{spec.logical_id} ← SQS {queue_url.rsplit('/', 1)[-1]} (batch {batch_size})")
        self._locks[spec.logical_id] = threading.Lock()
        for properties in spec.events_of("HttpApi").values():
            authorizer = (properties.get("Auth") or {}).get("Authorizer")
            route = Route(
                properties.get("Method", "ANY").upper(),
                properties["Path"],
                spec.logical_id,
                handler,
                authorized=authorizer != "NONE",
            )
            self.routes.append(route)
            open_route = "" if route.authorized else " (no auth)"
            self.log(f"{spec.logical_id} ← HTTP {route.method} {route.path}{open_route}")
        for kind in ("Schedule", "ScheduleV2"):
            for name, properties in spec.events_of(kind).items():
                expression = properties.get("Schedule") or properties.get("ScheduleExpression", "")
                schedule = Schedule(spec, handler, name, str(expression))
                self.schedules[spec.logical_id] = schedule
                if self.schedule_interval > 0:
                    thread = threading.Thread(
                        target=self._tick, args=(schedule,), name=f"{spec.logical_id}.{name}", daemon=True
                    )
                    thread.start()
                    self._threads.append(thread)
                every = (
                    f"every {self.schedule_interval:g}s" if self.schedule_interval > 0 else "on demand only"
                )
                self.log(f"{spec.logical_id} ← {kind} {expression} (local: {every})")

    # --- schedules -----------------------------------------------------------------------------
    def _tick(self, schedule: Schedule) -> None:
        while not self._stop.wait(self.schedule_interval):
            try:
                self.fire(schedule.function.logical_id, datetime.now(UTC))
            except Exception as error:
                self.log(f"{schedule.function.logical_id} raised {type(error).__name__}: {error}")

    def fire(self, logical_id: str, at: datetime) -> Any:
        """Invoke a function's schedule as EventBridge would at `at`; the handler's answer."""
        schedule = self.schedules.get(logical_id)
        if schedule is None:
            raise KeyError(logical_id)
        event = scheduled_event(
            at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{self.stack_name}-{logical_id}-{schedule.name}",
        )
        return self.invoke(schedule.function, schedule.handler, event)

    def invoke(self, spec: FunctionSpec, handler: Handler, event: dict[str, Any]) -> Any:
        with self._locks[spec.logical_id]:
            return handler(event, _context(spec))

    def _queue_url(self, queue_arn: str) -> str:
        assert self.deployment is not None
        for (logical_id, attribute), value in self.deployment.attributes.items():
            if attribute == "Arn" and value == queue_arn:
                return self.deployment.refs[logical_id]
        raise RuntimeError(f"no queue in the template has the ARN {queue_arn}")

    # --- SQS event source ----------------------------------------------------------------
    def _poll(
        self,
        spec: FunctionSpec,
        handler: Handler,
        queue_url: str,
        queue_arn: str,
        batch_size: int,
        reports_failures: bool,
    ) -> None:
        sqs = client("sqs", self.endpoint_url)
        while not self._stop.is_set():
            try:
                messages = sqs.receive_message(
                    QueueUrl=queue_url,
                    MaxNumberOfMessages=batch_size,
                    WaitTimeSeconds=1,
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                ).get("Messages", [])
            except Exception as error:
                if not self._stop.is_set():
                    self.log(f"{spec.logical_id}: receive failed: {error}")
                    time.sleep(0.5)
                continue
            if messages:
                self._deliver(sqs, spec, handler, queue_url, queue_arn, messages, reports_failures)

    def _deliver(
        self,
        sqs: Any,
        spec: FunctionSpec,
        handler: Handler,
        queue_url: str,
        queue_arn: str,
        messages: list[dict[str, Any]],
        reports_failures: bool,
    ) -> None:
        event = {"Records": [sqs_record(message, queue_arn) for message in messages]}
        failed: set[str]
        try:
            answer = self.invoke(spec, handler, event) or {}
            failed = (
                {item["itemIdentifier"] for item in answer.get("batchItemFailures", [])}
                if reports_failures
                else set()
            )
        except Exception as error:
            self.log(f"{spec.logical_id} raised {type(error).__name__}: {error}; the batch will be retried")
            failed = {message["MessageId"] for message in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        retry = [m for m in messages if m["MessageId"] in failed]
        if done:
            sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        if retry:
            sqs.change_message_visibility_batch(
                QueueUrl=queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": self.retry_delay}
                    for i, m in enumerate(retry)
                ],
            )

    # --- HTTP API --------------------------------------------------------------------------
    def _serve_api(self) -> None:
        self._http = make_server(self.host, self.api_port, self._wsgi, threaded=True)
        thread = threading.Thread(target=self._http.serve_forever, name="http-api", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        response = self.handle_http(request)
        return response(environ, start_response)

    def handle_http(self, request: Request) -> Response:
        for route in self.routes:
            parameters = route.match(request.method, request.path)
            if parameters is None:
                continue
            authorizer_claims: dict[str, str] | None = None
            if route.authorized:
                auth = request.headers.get("Authorization", "")
                scheme, _, token = auth.partition(" ")
                if scheme.lower() != "bearer" or not token:
                    return _json_response(401, {"message": "Unauthorized"})
                try:
                    claims = tokens.verify(token.strip())
                except tokens.InvalidToken:
                    return _json_response(401, {"message": "Unauthorized"})
                authorizer_claims = tokens.as_authorizer_claims(claims)
            event = http_api_event(request, route, parameters, authorizer_claims)
            spec = next(s for s in self.template.functions() if s.logical_id == route.function)
            try:
                answer = self.invoke(spec, route.handler, event)
            except Exception as error:  # API Gateway answers a failed invocation with 500
                self.log(f"{spec.logical_id} raised {type(error).__name__}: {error}")
                return _json_response(500, {"message": "Internal Server Error"})
            return lambda_proxy_response(answer)
        return self._local_endpoints(request)

    def _local_endpoints(self, request: Request) -> Response:
        """Development-only endpoints of the local stack (not part of the API)."""
        parts = request.path.strip("/").split("/")
        if request.method == "POST" and len(parts) == 3 and parts[:2] == ["_local", "schedules"]:
            at_text = request.args.get("at")
            try:
                at = parse_time(at_text) if at_text else datetime.now(UTC)
            except ValueError as error:
                return _json_response(400, {"message": str(error), "field": "at"})
            try:
                answer = self.fire(parts[2], at)
            except KeyError:
                known = ", ".join(sorted(self.schedules)) or "none"
                return _json_response(404, {"message": f"no schedule for {parts[2]}; known: {known}"})
            return _json_response(200, answer)
        if request.method == "GET" and request.path == "/docs":
            return Response(swagger_page(), status=200, content_type="text/html; charset=utf-8")
        return _json_response(404, {"message": "Not Found"})

    # --- samples ----------------------------------------------------------------------------
    def send_samples(self, directory: Path = SAMPLES_DIR, timeout: float = 60.0) -> int:
        files = sorted(directory.glob("*.json"))
        entries = [bus_entry(json.loads(f.read_text(encoding="utf-8"))) for f in files]
        bus = self.output("EventBusName")
        events = client("events", self.endpoint_url)
        for start in range(0, len(entries), 10):
            chunk = [entry | {"EventBusName": bus} for entry in entries[start : start + 10]]
            events.put_events(Entries=chunk)
        self.wait_for_queues_to_drain(timeout)
        return len(entries)

    def wait_for_queues_to_drain(self, timeout: float) -> None:
        """Until every SQS event source's queue is empty (nothing visible or in flight)."""
        assert self.deployment is not None
        sqs = client("sqs", self.endpoint_url)
        urls = [
            self._queue_url(resolve(p["Queue"], self.deployment.lookup, self.template.parameters))
            for spec in self.template.functions()
            for p in spec.events_of("SQS").values()
        ]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pending = 0
            for url in urls:
                attributes = sqs.get_queue_attributes(
                    QueueUrl=url,
                    AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
                )["Attributes"]
                pending += sum(int(v) for v in attributes.values())
            if pending == 0:
                return
            time.sleep(0.2)
        raise TimeoutError(f"queues still hold messages after {timeout:.0f}s")

    def output(self, name: str) -> str:
        assert self.deployment is not None
        return self.deployment.outputs[name]

    def state(self) -> dict[str, Any]:
        assert self.deployment is not None
        return {
            "stack_name": self.stack_name,
            "endpoint_url": self.endpoint_url,
            "api_url": self.api_url,
            "outputs": self.deployment.outputs,
            "started_at": datetime.now(UTC).isoformat(),
            "pid": os.getpid(),
        }


class PortInUse(OSError):
    pass


def ensure_port_free(host: str, port: int) -> None:
    """Fail before starting anything: moto's server thread would only print and die."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortInUse(f"{host}:{port} is already in use") from error


@dataclass
class Schedule:
    function: FunctionSpec
    handler: Handler
    name: str
    expression: str


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


def swagger_page() -> str:
    """Swagger UI (the copy Powertools ships, inlined) for the API's OpenAPI document."""
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import html

    from lifecycle.app import openapi_document

    assets = Path(html.__file__).parent
    return html.generate_swagger_html(
        spec=openapi_document(),
        swagger_js=(assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        swagger_css=(assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        swagger_base_url="",
        oauth2_config=None,
        persist_authorization=True,
    )


def merged_environment(template: Template, deployment: Deployment) -> dict[str, str]:
    """The union of every function's environment, resolved; conflicting values are an error."""
    merged: dict[str, str] = {}
    for spec in template.functions():
        resolved = resolve(spec.environment, deployment.lookup, template.parameters)
        for name, value in resolved.items():
            if name in merged and merged[name] != str(value) and name not in _PER_FUNCTION_VARIABLES:
                raise RuntimeError(
                    f"{spec.logical_id} sets {name}={value!r} but another function sets {merged[name]!r}; "
                    "the local stack runs all functions in one process and needs them to agree"
                )
            merged[name] = str(value)
    return merged


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
    request: Request, route: Route, path_parameters: dict[str, str], claims: dict[str, str] | None
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
        route_path=route.path,
        route_method=route.method,
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
    from urllib.parse import urlencode

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
        return _json_response(200, answer)
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


def _json_response(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
