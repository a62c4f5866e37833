"""What an operator watches arrives as CloudWatch metrics (embedded metric format on stdout)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from leaddesk import composition
from leaddesk_local.provision import Deployment
from tests.helpers.bus import envelope
from tests.helpers.ingest import invoke, marketplace_lead, sqs_event


def emitted(output: str) -> list[dict[str, Any]]:
    """The EMF documents printed during the invocation."""
    documents = []
    for line in output.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            documents.append(json.loads(line))
    return documents


def test_ingest_counts_stored_duplicates_touchpoints_and_dead_letters_per_field(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "LeadDesk")
    # The handler's Metrics read the namespace when its module was first imported, which another
    # test may have done with the variable unset (in Lambda it is set before the import).
    import ingest.app

    monkeypatch.setattr(ingest.app.metrics, "namespace", "LeadDesk")
    composition.reset()  # the metrics adapter reads the switch when built
    capsys.readouterr()
    invoke(
        sqs_event(
            marketplace_lead("m-1", email="ada@contoso.com"),
            marketplace_lead("m-1", email="ada@contoso.com"),  # the same event again
            marketplace_lead("m-2", email="ada@contoso.com"),  # the same customer within 24 h
            envelope("Marketplace Lead", {"event_id": "m-3"}),  # no partner: dead-lettered
        )
    )
    documents = emitted(capsys.readouterr().out)
    assert documents, "no metrics were printed"
    totals: dict[str, float] = {}
    dead_letter_fields = []
    for document in documents:
        assert document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "LeadDesk"
        for metric in document["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
            value = document[metric["Name"]]
            totals[metric["Name"]] = totals.get(metric["Name"], 0) + sum(
                value if isinstance(value, list) else [value]
            )
            if metric["Name"] == "DeadLettered":
                dead_letter_fields.append(document["Field"])
    assert totals == {"LeadsStored": 1, "DuplicateEvents": 1, "Touchpoints": 1, "DeadLettered": 1}
    assert dead_letter_fields == ["partner_id"]
