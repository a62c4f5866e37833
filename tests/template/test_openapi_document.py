"""docs/openapi.json is the committed contract: it must equal what the code generates, and so
must the copy the leads API serves."""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

from leaddesk_local.cli import main
from leaddesk_local.template import PROJECT_ROOT

COMMITTED = PROJECT_ROOT / "docs" / "openapi.json"


def test_committed_document_equals_leaddesk_openapi(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi"]) == 0
    generated = capsys.readouterr().out
    assert COMMITTED.read_text(encoding="utf-8") == generated, (
        "docs/openapi.json is out of date: run `make openapi` and commit it"
    )


def test_the_served_document_is_the_generated_one(capsys: pytest.CaptureFixture[str]) -> None:
    """`GET /openapi.json` serves a file packaged with the functions, not a document generated per
    cold start: that file must be exactly what the code generates, and what the route answers."""
    from leads_api.routes.document import SERVED, openapi_json

    assert main(["openapi"]) == 0
    generated = capsys.readouterr().out
    assert SERVED.read_text(encoding="utf-8") == generated, (
        f"{SERVED.relative_to(PROJECT_ROOT)} is out of date: run `make openapi` and commit it"
    )
    assert openapi_json().body == json.loads(generated)


def test_the_document_is_valid_openapi_and_documents_the_bodies() -> None:
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    validate(document)
    schemas = document["components"]["schemas"]
    for name in (
        "AcceptRequest",
        "DeclineRequest",
        "EditRequest",
        "EvaluateRequest",
        "ErrorBody",
        "LeadView",
    ):
        assert name in schemas, name
    accept = document["paths"]["/leads/{lead_id}/accept"]["post"]
    assert set(accept["responses"]) >= {"200", "403", "404", "409", "422"}
    error = {"$ref": "#/components/schemas/ErrorBody"}
    assert accept["responses"]["409"]["content"]["application/json"]["schema"] == error
    internals = {"event_id", "ingest_flags", "raw_lead_source", "raw_action_code", "version", "partner_id"}
    assert not internals & set(schemas["LeadView"]["properties"])
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/leads"]["get"]["parameters"]}
    assert parameters["status"]["type"] == "array"  # typed from the query model, not bare strings
    assert parameters["limit"]["maximum"] == 100
    assert "reachability only" in document["info"]["description"]


def test_every_error_status_declares_the_one_error_body_and_429_with_retry_after() -> None:
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    error = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            for status, response in answers.items():
                where = f"{method.upper()} {path} {status}"
                if int(status) >= 400:
                    assert response["content"] == {"application/json": {"schema": error}}, where
                elif status == "204":
                    assert "content" not in response, where  # no body, so no media type
            assert "Retry-After" in answers["429"]["headers"], f"{method.upper()} {path}"
            if "requestBody" in operation:
                assert {"415", "422"} <= set(answers), f"{method.upper()} {path}"
            else:
                assert "422" not in answers or method == "put", f"{method.upper()} {path}"
    schemas = document["components"]["schemas"]
    assert not {"HTTPValidationError", "ValidationError", "ResponseValidationError"} & set(schemas)
