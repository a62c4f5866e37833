"""The local stack: moto in server mode + the real handlers, wired from template.yaml.

- every queue, table, bus and rule of the template is created in moto;
- each SQS event source of a function gets a poller (`sqs_source`) that invokes the handler
  with Lambda's SQS batch event and honours `batchItemFailures`;
- EventBridge rules deliver to their SQS targets through moto's own pattern matching;
- each HttpApi route is served on the API port (`gateway`) as an API Gateway v2 event whose
  JWT claims come from a verified local token;
- each Schedule / ScheduleV2 event of a function is fired by a local scheduler (moto never
  fires schedules) every `schedule_interval` seconds of wall time, with EventBridge's
  Scheduled Event shape whose `time` is "now"; `POST /_local/schedules/<Function>?at=TIME`
  on the API port fires it once "at" any time (what `leaddesk sweep --at` and `leaddesk digest
  --at` use);
- `GET /docs` serves Swagger UI for the API's OpenAPI document (development only);
- `/app/` serves the built web workspace with CloudFront's security headers (read from the
  template), and `POST /_local/token` signs its local form in; `/_local/...` answers the
  stack's own tools only (leaddesk_local.local_access);
- every AWS call a function makes is checked against that function's role in the template
  (leaddesk_local.iam): a call its role does not allow gets AccessDenied, as on AWS, and the
  stack logs "AWS would refuse: ...".

Like Lambda, each function instance handles one invocation at a time: a function runs as many
instances as its SQS event source's `ScalingConfig.MaximumConcurrency` allows (at most
`MAX_LOCAL_INSTANCES`; one poller each), and functions without one run a single instance
(Powertools' resolver keeps the current event on the app object).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from leaddesk.adapters.batching import chunked
from leaddesk_local import iam
from leaddesk_local.gateway import UNLIMITED, Handler, HttpGateway, Route, Throttle, swagger_page
from leaddesk_local.iam import IamGuard
from leaddesk_local.lambda_events import bus_entry, json_response, lambda_context, parse_time, scheduled_event
from leaddesk_local.local_access import LocalAccess, new_secret, web_security_headers
from leaddesk_local.metering import RequestCounter
from leaddesk_local.motoserver import MotoProcess
from leaddesk_local.provision import ACCOUNT_ID, REGION, Deployment, client, provision
from leaddesk_local.sqs_source import SqsEventSource
from leaddesk_local.template import PROJECT_ROOT, FunctionSpec, Template, resolve
from leaddesk_local.webapp import WEB_DIST, WebApp

SAMPLES_DIR = PROJECT_ROOT / "events" / "inbound"
STOP_WITHIN = 3.5  # seconds for the invocations in progress to end when the stack stops
MAX_LOCAL_INSTANCES = 4  # two cores here: more instances only queue for them
# Per-function names that may differ between functions sharing this one process.
_PER_FUNCTION_VARIABLES = {"POWERTOOLS_SERVICE_NAME"}


@dataclass
class Schedule:
    function: FunctionSpec
    handler: Handler
    name: str
    expression: str


class PortInUse(OSError):
    pass


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
        throttle: Throttle = UNLIMITED,
        web_dist: Path | None = None,  # the built web workspace (default web/dist)
    ) -> None:
        self.template = template
        self.api_port = api_port
        self.aws_port = aws_port
        self.host = host
        self.stack_name = stack_name
        self.retry_delay = retry_delay
        # Email links point at this stack's own web workspace; a person added with `leaddesk users
        # add` is a recipient at once (AWS keeps the user pool's listing five minutes per process).
        self.overrides = {
            "WORKSPACE_URL": f"http://{host}:{api_port}/app",
            "PEOPLE_CACHE_SECONDS": "0",
            # A developer receives deliveries on this machine (`leaddesk webhooks listen`); never in AWS.
            "WEBHOOK_ALLOW_LOOPBACK": "true",
            **(environment or {}),
        }
        self.log = log
        self.endpoint_url = f"http://{host}:{aws_port}"
        self.api_url = f"http://{host}:{api_port}"
        self.deployment: Deployment | None = None
        self.schedules: dict[str, Schedule] = {}
        self.schedule_interval = schedule_interval
        self.gateway = HttpGateway(self._invoke_route, self._local_endpoints, log, throttle)
        unprovisioned = Deployment(stack_name=stack_name, endpoint_url=None)  # the headers use no resource
        self.web = WebApp(
            self.api_url, web_dist or WEB_DIST, headers=web_security_headers(template, unprovisioned.lookup)
        )
        self.local_secret = new_secret()
        self.access = LocalAccess(self.local_secret, host, api_port)
        self._specs: dict[str, FunctionSpec] = {}
        self._instances: dict[str, threading.BoundedSemaphore] = {}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._moto: MotoProcess | None = None
        self.requests = RequestCounter()
        self.iam = IamGuard()

    # --- start / stop ------------------------------------------------------------------
    def start(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's and our request lines
        # Metrics are off locally; Powertools still warns, per invocation, that none were sent.
        warnings.filterwarnings("ignore", message="No application metrics to publish")
        for port in (self.aws_port, self.api_port):
            ensure_port_free(self.host, port)
        self._moto = MotoProcess(self.host, self.aws_port)
        self._moto.start()
        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
                "AWS_ENDPOINT_URL": self.endpoint_url,
                "AWS_READ_TIMEOUT": "120",  # moto reads a whole table per index query
                # Metrics are CloudWatch's business; on a terminal they are only noise.
                "POWERTOOLS_METRICS_DISABLED": "true",
                # No X-Ray daemon listens here; and no Tracer means no X-Ray SDK to import.
                "POWERTOOLS_TRACE_DISABLED": "true",
            }
        )
        self.log(f"moto server on {self.endpoint_url}; creating the resources of template.yaml")
        self.deployment = provision(self.template, self.endpoint_url, self.stack_name, progress=self.log)
        # Each function's calls are checked against its own role, as AWS would check them.
        self.iam.install().use(iam.roles(self.template, self.deployment))
        specs = self.template.functions()
        self._configure_process(specs)
        for spec in specs:
            self._wire(spec, self._import(spec))
        self._count_requests()
        self.gateway.serve(self.host, self.api_port)

    def _count_requests(self) -> None:
        """Count the AWS requests the handlers make (their own clients), for `GET /_local/requests`."""
        from leaddesk.adapters import aws

        self.requests = RequestCounter().watch(aws.dynamodb(), aws.sesv2(), aws.sqs(), aws.events())

    def stop(self, within: float = STOP_WITHIN) -> None:
        """Stop in the order that lets work end cleanly: no new requests or polls first, then the
        invocations in progress finish (up to `within` seconds in all), then moto goes last, so no
        function loses its AWS endpoint mid-call. What is still running at the deadline is
        abandoned: the state it would write is in memory and gone with the stack anyway."""
        deadline = time.monotonic() + within
        self._stop.set()
        self.gateway.stop()
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
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
        self._specs[spec.logical_id] = spec
        sources = {
            name: resolve(properties, self.deployment.lookup, self.template.parameters)
            for name, properties in spec.events_of("SQS").items()
        }
        instances = max(
            [
                min(int((r.get("ScalingConfig") or {}).get("MaximumConcurrency", 1)), MAX_LOCAL_INSTANCES)
                for r in sources.values()
            ],
            default=1,
        )
        self._instances[spec.logical_id] = threading.BoundedSemaphore(instances)
        for name, resolved in sources.items():
            source = SqsEventSource(
                function=spec.logical_id,
                invoke=partial(self.invoke, spec, handler),
                queue_url=self._queue_url(resolved["Queue"]),
                queue_arn=resolved["Queue"],
                batch_size=int(resolved.get("BatchSize", 10)),
                reports_failures="ReportBatchItemFailures" in resolved.get("FunctionResponseTypes", []),
                endpoint_url=self.endpoint_url,
                retry_delay=self.retry_delay,
                log=self.log,
            )
            for poller in range(instances):
                self._thread(f"{spec.logical_id}.{name}.{poller}", source.run, self._stop)
            queue_name = source.queue_url.rsplit("/", 1)[-1]
            self.log(
                f"{spec.logical_id} ← SQS {queue_name} (batch {source.batch_size}, {instances} instances)"
            )
        for properties in spec.events_of("HttpApi").values():
            authorizer = (properties.get("Auth") or {}).get("Authorizer")
            route = Route(
                properties.get("Method", "ANY").upper(),
                properties["Path"],
                spec.logical_id,
                handler,
                authorized=authorizer != "NONE",
            )
            self.gateway.routes.append(route)
            open_route = "" if route.authorized else " (no auth)"
            self.log(f"{spec.logical_id} ← HTTP {route.method} {route.path}{open_route}")
        for kind in ("Schedule", "ScheduleV2"):
            for name, properties in spec.events_of(kind).items():
                expression = properties.get("Schedule") or properties.get("ScheduleExpression", "")
                schedule = Schedule(spec, handler, name, str(expression))
                self.schedules[spec.logical_id] = schedule
                if self.schedule_interval > 0:
                    self._thread(f"{spec.logical_id}.{name}", self._tick, schedule)
                every = (
                    f"every {self.schedule_interval:g}s" if self.schedule_interval > 0 else "on demand only"
                )
                self.log(f"{spec.logical_id} ← {kind} {expression} (local: {every})")

    def _thread(self, name: str, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    # --- invocations ---------------------------------------------------------------------------
    def invoke(self, spec: FunctionSpec, handler: Handler, event: dict[str, Any]) -> Any:
        with self._instances[spec.logical_id], self.iam.acting_as(spec.logical_id):
            try:
                return handler(event, lambda_context(spec))
            finally:
                for denial in self.iam.take_denials():
                    self.log(f"AWS would refuse: {denial}")

    def _invoke_route(self, route: Route, event: dict[str, Any]) -> Any:
        return self.invoke(self._specs[route.function], route.handler, event)

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

    def _local_endpoints(self, request: Request) -> Response:
        """Development-only endpoints of the local stack (not part of the API), and the web app."""
        if request.path.startswith("/_local/"):
            refused = self.access.refusal(request)
            if refused is not None:
                return refused
        served = self.web.handle(request)
        if served is not None:
            return served
        parts = request.path.strip("/").split("/")
        if request.method == "POST" and len(parts) == 3 and parts[:2] == ["_local", "schedules"]:
            at_text = request.args.get("at")
            try:
                at = parse_time(at_text) if at_text else datetime.now(UTC)
            except ValueError as error:
                return json_response(400, {"message": str(error), "field": "at"})
            try:
                answer = self.fire(parts[2], at)
            except KeyError:
                known = ", ".join(sorted(self.schedules)) or "none"
                return json_response(404, {"message": f"no schedule for {parts[2]}; known: {known}"})
            except Exception as error:  # the function failed: say how, as Lambda's logs would
                return json_response(500, {"message": f"{parts[2]} raised {type(error).__name__}: {error}"})
            return json_response(200, answer)
        if request.method == "GET" and request.path == "/_local/requests":
            return json_response(200, dict(self.requests.counts))
        if request.method == "GET" and request.path == "/docs":
            return Response(swagger_page(), status=200, content_type="text/html; charset=utf-8")
        return json_response(404, {"message": "Not Found"})

    # --- samples and state -----------------------------------------------------------------
    def _queue_url(self, queue_arn: str) -> str:
        assert self.deployment is not None
        for (logical_id, attribute), value in self.deployment.attributes.items():
            if attribute == "Arn" and value == queue_arn:
                return self.deployment.refs[logical_id]
        raise RuntimeError(f"no queue in the template has the ARN {queue_arn}")

    def send_samples(self, directory: Path = SAMPLES_DIR, timeout: float = 60.0) -> int:
        files = sorted(directory.glob("*.json"))
        entries = [bus_entry(json.loads(f.read_text(encoding="utf-8"))) for f in files]
        bus = self.output("EventBusName")
        events = client("events", self.endpoint_url)
        for chunk in chunked(entries, 10):
            events.put_events(Entries=[entry | {"EventBusName": bus} for entry in chunk])
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
            "local_secret": self.local_secret,  # for the leaddesk command's /_local/ requests
            "moto_pid": self._moto.pid if self._moto else None,
        }


def ensure_port_free(host: str, port: int) -> None:
    """Fail before starting anything: moto's server thread would only print and die."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortInUse(f"{host}:{port} is already in use") from error


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
