"""The event contract against what is committed and wired: docs/events/ is what the code generates,
and every rule of template.yaml on LeadDesk's own events delivers exactly what its consumer reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from leaddesk.domain.contract import EVENT_MODELS, SOURCE
from leaddesk.domain.notices import EVENT_KINDS
from leaddesk.domain.webhook_messages import SOURCE_DETAIL_TYPES, WebhookEvent
from leaddesk_local.cli import main
from leaddesk_local.template import PROJECT_ROOT, Template

COMMITTED = PROJECT_ROOT / "docs" / "events"

# Each function fed by a rule on LeadDesk's own events, and the detail-types its service reads.
CONSUMERS: dict[str, set[str]] = {
    "NotifyFunction": set(EVENT_KINDS),  # services/notify.py through domain.notices
    "WebhookDispatchFunction": set(SOURCE_DETAIL_TYPES),  # domain.webhooks.webhook_event_of
}


def test_committed_schemas_equal_leaddesk_events_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "lead.renamed.json").write_text("{}", encoding="utf-8")  # an event type since removed
    assert main(["events-schema", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    generated = {path.name: path.read_text(encoding="utf-8") for path in tmp_path.glob("*.json")}
    committed = {path.name: path.read_text(encoding="utf-8") for path in COMMITTED.glob("*.json")}
    assert committed == generated, "docs/events/ is out of date: run `make events-schema` and commit it"
    assert set(generated) == {"envelope.json", *(f"{name}.json" for name in EVENT_MODELS)}
    hooks = {path.name: path.read_text(encoding="utf-8") for path in (tmp_path / "webhooks").glob("*.json")}
    committed_hooks = {p.name: p.read_text(encoding="utf-8") for p in (COMMITTED / "webhooks").glob("*.json")}
    assert committed_hooks == hooks, "docs/events/webhooks/ is out of date: run `make events-schema`"
    assert set(hooks) == {f"{event.value}.json" for event in WebhookEvent}


def _own_event_rules(template: Template) -> dict[str, dict[str, Any]]:
    """The rules whose pattern matches `source: leaddesk` (LeadDesk's own events)."""
    return {
        name: rule
        for name, rule in template.of_type("AWS::Events::Rule").items()
        if SOURCE in rule["Properties"]["EventPattern"].get("source", [])
    }


def _queue_of(target: dict[str, Any]) -> str:
    arn = target["Arn"]
    assert isinstance(arn, dict) and "Fn::GetAtt" in arn, f"a rule's target is a queue of the template: {arn}"
    logical_id: str = arn["Fn::GetAtt"][0]
    return logical_id


def _fed_by(template: Template, queue: str) -> list[str]:
    """The functions whose SQS event source is `queue`."""
    return [
        spec.logical_id
        for spec in template.functions()
        for source in spec.events_of("SQS").values()
        if source["Queue"] == {"Fn::GetAtt": [queue, "Arn"]}
    ]


def test_rules_on_leaddesk_events_name_detail_types_the_contract_defines(template: Template) -> None:
    rules = _own_event_rules(template)
    assert rules, "no rule routes LeadDesk's own events"
    for name, rule in rules.items():
        detail_types = rule["Properties"]["EventPattern"]["detail-type"]
        assert all(isinstance(t, str) for t in detail_types), f"{name}: plain detail-types"
        assert set(detail_types) <= set(EVENT_MODELS), f"{name}: {set(detail_types) - set(EVENT_MODELS)}"


def test_each_consumer_reads_exactly_the_detail_types_its_rule_delivers(template: Template) -> None:
    delivered: dict[str, set[str]] = {}
    for rule in _own_event_rules(template).values():
        detail_types = rule["Properties"]["EventPattern"]["detail-type"]
        for target in rule["Properties"]["Targets"]:
            for function in _fed_by(template, _queue_of(target)):
                delivered.setdefault(function, set()).update(detail_types)
    assert delivered == CONSUMERS


def test_the_schemas_are_json_schema_documents_with_the_version() -> None:
    paths = sorted(COMMITTED.glob("*.json"))
    assert len(paths) == len(EVENT_MODELS) + 1, "an envelope and a schema per event type"
    for path in paths:
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$schema"].startswith("https://json-schema.org/"), path.name
        if path.name != "envelope.json":
            assert "schema_version" in schema["required"], path.name
