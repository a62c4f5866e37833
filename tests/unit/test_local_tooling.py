"""The local stack's own pieces: template reading, intrinsic resolution, routes, ports."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from leaddesk_local.gateway import HttpGateway, Route
from leaddesk_local.lambda_events import bus_entry, json_response
from leaddesk_local.provision import Deployment
from leaddesk_local.stack import LocalStack, PortInUse
from leaddesk_local.template import PROJECT_ROOT, Template, resolve


def test_short_tags_and_globals_are_understood(template: Template) -> None:
    ingest = next(s for s in template.functions() if s.logical_id == "IngestFunction")
    assert ingest.code_uri == "functions/"  # from Globals
    assert ingest.environment["TABLE_NAME"] == {"Ref": "LeadsTable"}  # Globals merged with the function's own
    assert ingest.environment["INGEST_DLQ_URL"] == {"Ref": "IngestDeadLetterQueue"}
    assert ingest.events_of("SQS")["Inbound"]["Queue"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}


def test_intrinsics_resolve_against_a_deployment() -> None:
    deployment = Deployment(stack_name="demo", endpoint_url=None, refs={"Q": "https://q"})
    deployment.attributes[("Q", "Arn")] = "arn:q"
    value = {
        "a": {"Ref": "Q"},
        "b": {"Fn::GetAtt": ["Q", "Arn"]},
        "c": {"Fn::Sub": "${AWS::StackName}-${Q.Arn}-${Days}"},
        "d": {"Fn::Join": ["/", ["x", {"Ref": "Days"}]]},
    }
    assert resolve(value, deployment.lookup, {"Days": 14}) == {
        "a": "https://q",
        "b": "arn:q",
        "c": "demo-arn:q-14",
        "d": "x/14",
    }


def test_routes_match_path_parameters() -> None:
    route = Route("GET", "/leads/{lead_id}", "Fn", lambda e, c: None)
    assert route.match("GET", "/leads/01ABC") == {"lead_id": "01ABC"}
    assert route.match("POST", "/leads/01ABC") is None
    assert route.match("GET", "/leads") is None
    assert route.match("GET", "/leads/01ABC/accept") is None


def test_bus_entry_accepts_envelopes_and_put_events_entries() -> None:
    envelope = bus_entry({"detail-type": "Profile Inquiry", "source": "s", "detail": {"a": 1}})
    entry = bus_entry({"DetailType": "Profile Inquiry", "Source": "s", "Detail": '{"a": 1}'})
    assert envelope == entry == {"Source": "s", "DetailType": "Profile Inquiry", "Detail": '{"a": 1}'}
    with pytest.raises(ValueError, match="expected an EventBridge envelope"):
        bus_entry({"hello": "world"})


def test_a_busy_port_stops_the_stack_before_anything_starts(template: Template) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        stack = LocalStack(
            template, api_port=port + 1 if port < 65000 else port - 1, aws_port=port, log=lambda _: None
        )
        with pytest.raises(PortInUse, match=str(port)):
            stack.start()


def test_a_raising_handler_answers_500_as_api_gateway_does() -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from leaddesk_local import tokens

    def broken(event: object, context: object) -> object:
        raise RuntimeError("boom")

    gateway = HttpGateway(
        invoke=lambda route, event: route.handler(event, None),
        local=lambda request: json_response(404, {}),
        log=lambda _: None,
    )
    gateway.routes = [Route("GET", "/leads", "LifecycleApiFunction", broken)]
    bearer = tokens.issue("p1", ["viewer"])
    request = Request(
        EnvironBuilder(path="/leads", headers={"Authorization": f"Bearer {bearer}"}).get_environ()
    )
    response = gateway.handle(request)
    assert response.status_code == 500
    assert response.get_json() == {"message": "Internal Server Error"}


def test_the_local_moto_lock_never_lets_a_write_run_beside_a_read() -> None:
    import threading

    from leaddesk_local.motoserver import ReadWriteLock

    lock = ReadWriteLock()
    wrote = threading.Event()

    def writer() -> None:
        with lock.writing():
            wrote.set()

    with lock.reading(), lock.reading():  # readers share
        thread = threading.Thread(target=writer)
        thread.start()
        assert not wrote.wait(0.2)  # the write waits for the readers
    thread.join(timeout=5)
    assert wrote.is_set()


def test_the_local_gateway_throttles_each_route_with_429_and_retry_after() -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from leaddesk_local.gateway import Throttle

    gateway = HttpGateway(
        lambda route, event: {"statusCode": 200, "body": "{}"},
        lambda request: json_response(404, {}),
        lambda message: None,
        Throttle(rate=0.5, burst=2),
    )
    gateway.routes.append(Route("GET", "/openapi.json", "Fn", lambda e, c: None, authorized=False))
    gateway.routes.append(Route("GET", "/other", "Fn", lambda e, c: None, authorized=False))

    def get(path: str) -> tuple[int, str | None]:
        answer = gateway.handle(Request(EnvironBuilder(path=path).get_environ()))
        return answer.status_code, answer.headers.get("Retry-After")

    assert [get("/openapi.json")[0] for _ in range(2)] == [200, 200]  # the burst
    status, retry_after = get("/openapi.json")
    assert status == 429 and retry_after is not None and int(retry_after) >= 1
    assert get("/other")[0] == 200  # each route has its own limit, as in API Gateway


def test_leaddesk_up_serves_another_build_of_the_web_workspace(template: Template, tmp_path: Path) -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from leaddesk_local.cli import parser

    (tmp_path / "index.html").write_text("<!doctype html><title>another build</title>", encoding="utf-8")
    (tmp_path / "page.html").write_text("<p data-lead-id='l1'>a row</p>", encoding="utf-8")
    arguments = parser().parse_args(["up", "--web-dist", str(tmp_path)])
    stack = LocalStack(template, log=lambda _: None, web_dist=Path(arguments.web_dist))
    page = stack.web.handle(Request(EnvironBuilder(path="/app/page.html").get_environ()))
    assert page is not None and page.status_code == 200
    assert page.get_data(as_text=True) == "<p data-lead-id='l1'>a row</p>"
    assert page.headers["Content-Security-Policy"]  # with the headers CloudFront adds
    default = LocalStack(template, log=lambda _: None)
    assert parser().parse_args(["up"]).web_dist is None
    assert default.web.dist == PROJECT_ROOT / "web" / "dist"
