"""template.yaml is the one source of wiring: it must lint, and every reference in it must resolve."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from leaddesk.config import FUNCTION_SETTINGS, load_settings
from leaddesk_local.provision import Deployment
from leaddesk_local.template import PROJECT_ROOT, TEMPLATE_PATH, Template, resolve


def test_cfn_lint_with_serverless_rules_finds_no_error() -> None:
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "cfn-lint"),
            "--append-rules",
            "cfn_lint_serverless.rules",
            "--",
            str(TEMPLATE_PATH),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    # cfn-lint's exit code is a bit mask: 2 = error, 4 = warning, 8 = informational.
    assert result.returncode & 2 == 0, result.stdout + result.stderr
    assert result.returncode in (0, 4, 8, 12), result.stdout + result.stderr


def test_every_handler_resolves_with_lambdas_import_paths(template: Template) -> None:
    for spec in template.functions():
        code_root = PROJECT_ROOT / spec.code_uri
        layers = template.layer_paths(spec)
        assert code_root.is_dir(), f"{spec.logical_id}: CodeUri {spec.code_uri} missing"
        assert layers, f"{spec.logical_id} has no layer: it could not import leaddesk"
        # pytest's pythonpath is exactly [shared, functions]: the layer root and the CodeUri.
        assert {str(code_root), *map(str, layers)} <= {str(PROJECT_ROOT / p) for p in ("functions", "shared")}
        module_name, _, attribute = spec.handler.rpartition(".")
        module = importlib.import_module(module_name)
        assert callable(getattr(module, attribute)), spec.handler


def test_every_function_gets_the_settings_it_reads(
    template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each function's own environment (and nothing else) satisfies its own settings class."""
    assert set(FUNCTION_SETTINGS) == {spec.logical_id for spec in template.functions()}
    for kind in FUNCTION_SETTINGS.values():
        for name in kind.model_fields:  # only the template's values may satisfy them
            monkeypatch.delenv(name.upper(), raising=False)
    lookup = Deployment(stack_name="test", endpoint_url=None).lookup
    for spec in template.functions():
        environment = {k: str(v) for k, v in resolve(spec.environment, lookup, template.parameters).items()}
        load_settings(FUNCTION_SETTINGS[spec.logical_id], environment)  # raises when one is missing


def test_http_routes_of_the_template_and_of_the_api_agree(template: Template) -> None:
    """Each function serves exactly the routes the template sends it, and the OpenAPI document
    describes exactly the routes the template declares."""
    from leads_api.openapi_document import API_APPS, api_schema, openapi_document

    declared: set[tuple[str, str]] = set()
    for spec in template.functions():
        routes = {(r["Method"].upper(), r["Path"]) for r in spec.events_of("HttpApi").values()}
        if not routes:
            continue
        module = spec.handler.rpartition(".")[0]
        assert module in API_APPS, f"{spec.logical_id} serves HTTP routes: list {module} in API_APPS"
        served = {
            (method.upper(), path)
            for path, operations in api_schema(importlib.import_module(module).app)["paths"].items()
            for method in operations
        }
        assert routes == served, spec.logical_id
        declared |= routes
    documented = {
        (method.upper(), path)
        for path, operations in json.loads(openapi_document())["paths"].items()
        for method in operations
    }
    assert declared == documented


def test_layer_requirements_match_pyproject() -> None:
    import tomllib

    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    requirements = [
        line.strip()
        for line in (PROJECT_ROOT / "shared" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert sorted(requirements) == sorted(project)


@pytest.mark.parametrize(
    "sample", sorted((PROJECT_ROOT / "events" / "lambda").glob("*.json")), ids=lambda p: p.name
)
def test_lambda_samples_name_a_function_of_the_template(template: Template, sample: Path) -> None:
    # events/lambda/<LogicalId>.<name>.json: for `sam local invoke <LogicalId> -e <file>`
    logical_id = sample.name.split(".", 1)[0]
    assert logical_id in {spec.logical_id for spec in template.functions()}


CHECKOV = Path(sys.executable).parent.parent / "checkov" / "bin" / "checkov"


def test_checkov_finds_no_failed_check_and_every_skip_says_why(template: Template) -> None:
    assert CHECKOV.exists(), f"{CHECKOV} is missing: `make test` installs it (tests/template/scanners.txt)"
    result = subprocess.run(
        [str(CHECKOV), "-f", str(TEMPLATE_PATH), "--framework", "cloudformation", "-o", "json", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    failed = [
        f"{c['check_id']} {c['resource']}: {c['check_name']}" for c in report["results"]["failed_checks"]
    ]
    assert report["summary"]["parsing_errors"] == 0
    assert not failed, "\n".join(failed)
    for logical_id, resource in template.resources.items():
        for skip in (resource.get("Metadata") or {}).get("checkov", {}).get("skip", []):
            assert len(skip.get("comment", "")) >= 40, f"{logical_id} skips {skip['id']} without a reason"


def test_what_must_survive_or_be_bounded_is(template: Template) -> None:
    resources = template.resources
    for retained in ("LeadsTable", "UserPool"):  # deleting the stack must not delete leads or users
        assert resources[retained]["DeletionPolicy"] == "Retain", retained
        assert resources[retained]["UpdateReplacePolicy"] == "Retain", retained
    table = resources["LeadsTable"]["Properties"]
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    ingest = next(spec for spec in template.functions() if spec.logical_id == "IngestFunction")
    source = ingest.events_of("SQS")["Inbound"]
    reserved = ingest.properties["ReservedConcurrentExecutions"]
    assert reserved >= source["ScalingConfig"]["MaximumConcurrency"]  # else Lambda throttles its pollers
    throttling = resources["HttpApi"]["Properties"]["DefaultRouteSettings"]
    assert throttling["ThrottlingRateLimit"] > 0 and throttling["ThrottlingBurstLimit"] > 0


def test_only_the_functions_that_ask_who_the_referral_admins_are_may_list_the_user_pools_users(
    template: Template,
) -> None:
    """`cognito-idp:ListUsersInGroup` on the pool for the notifier and the settings API, nobody
    else, and no other Cognito action for anyone."""

    def cognito_statements(spec: Any) -> list[dict[str, Any]]:
        found = []
        for policy in spec.properties.get("Policies", []):
            for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
                actions = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                if any(str(action).startswith("cognito-idp:") for action in actions):
                    found.append(statement)
        return found

    granted = {spec.logical_id: cognito_statements(spec) for spec in template.functions()}
    assert {name for name, statements in granted.items() if statements} == {
        "NotifyFunction",
        "NotificationsApiFunction",
    }
    for statements in granted.values():
        for statement in statements:
            assert statement["Action"] == "cognito-idp:ListUsersInGroup"
            assert statement["Resource"] == {"Fn::GetAtt": ["UserPool", "Arn"]}


def test_the_mail_feedback_function_may_only_record_suppressions_and_dead_letter(template: Template) -> None:
    """What docs/decision_log.md grants it: writes to the table (a suppression, its action item,
    the feed's count) and sends to its own dead-letter queue; no SES, no reads, no notify queue."""
    [spec] = [spec for spec in template.functions() if spec.logical_id == "MailFeedbackFunction"]
    policies = spec.properties["Policies"]
    statements = [s for policy in policies if "Statement" in policy for s in policy["Statement"]]
    assert [(sorted(s["Action"]), s["Resource"]) for s in statements] == [
        (
            ["dynamodb:PutItem", "dynamodb:UpdateItem"],
            {"Fn::GetAtt": ["LeadsTable", "Arn"]},
        )
    ]
    assert [policy for policy in policies if "Statement" not in policy] == [
        {"SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["MailFeedbackDeadLetterQueue", "QueueName"]}}}
    ]


def test_the_web_apps_csp_names_this_stacks_own_sign_in_domain(template: Template) -> None:
    """`connect-src` names the stack's own Cognito domain, not every `*.auth` domain of the region
    (an injected script could send tokens to any). The API host stays `*.execute-api`: naming
    the HttpApi there is a dependency cycle (cfn-lint E3004), as this test also shows."""
    policy = template.resources["WebSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    written = policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    lookup = Deployment(stack_name="test", endpoint_url=None).lookup
    csp = str(resolve(written, lookup, template.parameters))
    [connect] = [part.split()[1:] for part in csp.split(";") if part.split()[:1] == ["connect-src"]]
    sign_in = {"Fn::Sub": "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"}
    assert str(resolve(sign_in, lookup, template.parameters)) in connect, connect
    wildcards = [source for source in connect if "*" in source]
    assert wildcards == [
        str(
            resolve(
                {"Fn::Sub": "https://*.execute-api.${AWS::Region}.${AWS::URLSuffix}"},
                lookup,
                template.parameters,
            )
        )
    ]
    assert "WebSecurityHeaders" in _depended_on_by("HttpApi", template)  # why the API stays a wildcard


def _depended_on_by(logical_id: str, template: Template) -> set[str]:
    """The resources that `logical_id` depends on, directly or not (Ref, GetAtt, Sub)."""
    found: set[str] = set()
    pending = [logical_id]
    while pending:
        text = json.dumps(template.resources[pending.pop()])
        for other in template.resources:
            mentioned = (f'"Ref": "{other}"', f'"{other}.', f"${{{other}}}", f"${{{other}.", f'["{other}",')
            if other not in found and other != logical_id and any(m in text for m in mentioned):
                found.add(other)
                pending.append(other)
    return found
