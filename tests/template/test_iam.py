"""Each function's role in template.yaml: enough for what the function does, and no more.

"Enough" is checked while the integration tests run (tests/conftest.py: every call a function
makes is evaluated against its role; a call the role does not allow fails the test, as AWS would
refuse it). "No more" is checked here, against the record of the calls each function made in
those tests (tests/template/iam_calls.json): a grant no function call uses is a finding. Both
read the functions and their policies from the template, so a function added to it is covered
with no change here.
"""

from __future__ import annotations

import pytest

from leaddesk_local.iam import (
    Call,
    PolicyNotUnderstood,
    Role,
    Statement,
    calls_of,
    matches,
    on_failure_queues,
    role_of,
    roles,
)
from leaddesk_local.provision import ACCOUNT_ID, REGION, Deployment
from leaddesk_local.template import Template
from tests.helpers.iam import entry, load_record


def _named(template: Template) -> Deployment:
    """The template's resources named as the local stack names them (no back end needed)."""
    named = Deployment(stack_name="leaddesk", endpoint_url=None)
    arns = {
        "AWS::DynamoDB::Table": "arn:aws:dynamodb:{region}:{account}:table/{name}",
        "AWS::SQS::Queue": "arn:aws:sqs:{region}:{account}:{name}",
        "AWS::S3::Bucket": "arn:aws:s3:::{name}",
        "AWS::Events::EventBus": "arn:aws:events:{region}:{account}:event-bus/{name}",
        "AWS::Cognito::UserPool": "arn:aws:cognito-idp:{region}:{account}:userpool/{name}",
    }
    for logical_id, resource in template.resources.items():
        name = f"leaddesk-{logical_id}".lower()
        named.refs[logical_id] = name
        named.attributes[(logical_id, "QueueName")] = name
        arn = arns.get(resource.get("Type", ""), "arn:aws:unknown:::{name}")
        named.attributes[(logical_id, "Arn")] = arn.format(region=REGION, account=ACCOUNT_ID, name=name)
    return named


DEPLOYMENT = _named(Template.load())


@pytest.fixture(scope="module")
def all_roles(template: Template) -> dict[str, Role]:
    return roles(template, DEPLOYMENT)


def test_every_function_has_a_role_the_check_can_evaluate(template: Template) -> None:
    """A policy the check cannot evaluate (a condition, a managed policy, a role of its own) is
    refused instead of being skipped."""
    for spec in template.functions():
        try:
            role = role_of(template, spec, DEPLOYMENT.lookup)
        except PolicyNotUnderstood as error:
            pytest.fail(str(error))
        assert role.declared(), f"{spec.logical_id} declares no policy"


def test_every_function_has_recorded_calls(template: Template) -> None:
    record = load_record()
    missing = [spec.logical_id for spec in template.functions() if not record.get(spec.logical_id)]
    assert not missing, (
        f"no calls recorded for {', '.join(missing)}: test the function through its handler and "
        "run `make iam-calls`"
    )


def test_no_role_grants_an_action_or_resource_its_function_never_uses(
    template: Template, all_roles: dict[str, Role]
) -> None:
    """Least privilege: every action of every statement was used on one of its resources, and
    every resource of every statement was used by one of its actions."""
    record = load_record()
    unused = []
    for function, role in all_roles.items():
        made = [made_call.split(" on ", 1) for made_call in record.get(function, set())]
        # Lambda sends a failed asynchronous invocation to its OnFailure queue with the role.
        spec = next(spec for spec in template.functions() if spec.logical_id == function)
        on_behalf = [
            ("sqs:SendMessage", arn) for arn, _ in on_failure_queues(template, spec, DEPLOYMENT.lookup)
        ]
        for statement in role.declared():
            unused += _unused_grants(function, statement, made, on_behalf)
    assert not unused, "grants no call uses:\n" + "\n".join(unused)


def _unused_grants(
    function: str, statement: Statement, made: list[list[str]], on_behalf: list[tuple[str, str]]
) -> list[str]:
    written = dict(zip(statement.resources, statement.labels_or_resources(), strict=True))

    def used(granted: str, resource: str) -> bool:
        return any(
            matches(granted, action, case_sensitive=False) and label == written[resource]
            for action, label in made
        ) or any(
            matches(granted, action, case_sensitive=False) and matches(resource, arn)
            for action, arn in on_behalf
        )

    unused = []
    for granted in statement.actions:
        if not any(used(granted, resource) for resource in statement.resources):
            unused.append(f"{function} ({statement.source}): {granted} is never made")
    for resource in statement.resources:
        if not any(used(granted, resource) for granted in statement.actions):
            unused.append(f"{function} ({statement.source}): nothing is ever done on {written[resource]}")
    return unused


def test_every_recorded_call_is_granted(all_roles: dict[str, Role]) -> None:
    """The record holds only what the roles allow (a stale entry would keep a grant alive)."""
    stale = []
    for function, made in load_record().items():
        role = all_roles.get(function)
        for made_call in sorted(made):
            action, resource = made_call.split(" on ", 1)
            statements = role.statements if role else ()
            if not any(s.action_granted(action) and resource in s.labels_or_resources() for s in statements):
                stale.append(f"{function}: {made_call}")
    assert not stale, "recorded calls no role grants (run `make iam-calls`):\n" + "\n".join(stale)


# --- what a request asks AWS to authorise -------------------------------------------------------
def test_a_resource_outside_the_grant_is_refused(all_roles: dict[str, Role]) -> None:
    """Grants are scoped to resources: the export link signer reads exports/ only, the sweep
    queries its own index, a function sends to its own queues."""
    bucket = DEPLOYMENT.lookup("ExportBucket", None)
    exports_api = all_roles["ExportApiFunction"]
    assert exports_api.allows(Call("s3:GetObject", f"arn:aws:s3:::{bucket}/exports/p-a/e-1.csv"))
    assert not exports_api.allows(Call("s3:GetObject", f"arn:aws:s3:::{bucket}/elsewhere/e-1.csv"))
    assert not exports_api.allows(Call("s3:PutObject", f"arn:aws:s3:::{bucket}/exports/p-a/e-1.csv"))

    table = DEPLOYMENT.lookup("LeadsTable", "Arn")
    sweep = all_roles["LifecycleSweepFunction"]
    [due_query] = calls_of("dynamodb", "Query", {"TableName": table, "IndexName": "DueByShard"})
    [open_items] = calls_of("dynamodb", "Query", {"TableName": table, "IndexName": "OpenItems"})
    assert sweep.allows(due_query)
    assert not sweep.allows(open_items)

    queue = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/"
    ingest = all_roles["IngestFunction"]
    [to_own_dlq] = calls_of(
        "sqs",
        "SendMessageBatch",
        {"QueueUrl": queue + DEPLOYMENT.lookup("IngestDeadLetterQueue", "QueueName")},
    )
    [to_export_queue] = calls_of(
        "sqs", "SendMessage", {"QueueUrl": queue + DEPLOYMENT.lookup("ExportQueue", "QueueName")}
    )
    assert to_own_dlq.action == "sqs:SendMessage"
    assert ingest.allows(to_own_dlq)
    assert not ingest.allows(to_export_queue)


def test_a_transaction_is_authorised_item_by_item() -> None:
    calls = calls_of(
        "dynamodb",
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Put": {"TableName": "t", "Item": {}}},
                {"Update": {"TableName": "t", "Key": {}}},
                {"ConditionCheck": {"TableName": "t", "Key": {}}},
            ]
        },
    )
    assert [c.action for c in calls] == [
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:ConditionCheckItem",
    ]
    assert {c.resource for c in calls} == {f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/t"}


def test_entries_read_as_the_record_writes_them() -> None:
    assert entry("dynamodb:Query", "LeadsTable.Arn/index/*") == "dynamodb:Query on LeadsTable.Arn/index/*"
