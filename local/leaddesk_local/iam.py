"""Each function's AWS calls checked against its own role, as template.yaml defines it.

moto allows every call by default, so a role missing a permission would pass every test and
fail only once deployed. This module evaluates each call a function makes against the IAM
policy of that function's role, rendered from the template:

- the function's `Policies`: inline statements, and SAM policy templates (`SQSSendMessagePolicy`,
  `EventBridgePutEventsPolicy`, `DynamoDBCrudPolicy`...) expanded by SAM's own translator
  library, so their actions and resource scoping are exactly what SAM deploys;
- the policies SAM attaches by itself: the basic execution role (logs), X-Ray's write access when
  `Tracing: Active`, the SQS poller's when the function has an SQS event source, and a send to
  an `EventInvokeConfig` SQS destination;
- resolved against the deployment at hand (the moto back end's physical names and ARNs).

A call is allowed when an Allow statement matches its IAM action and resource ARN (wildcards as
IAM reads them) and no Deny statement does; otherwise the function gets AWS's AccessDenied error
and the denial is recorded (`IamGuard.denials`), so a test fails with the action, resource and
function named. The calls are those of the functions' own botocore clients
(`leaddesk.adapters.aws`), attributed to the function whose invocation is running
(`IamGuard.acting_as`, a context variable that the function's thread pools carry over).

Not covered: condition keys (a statement with a `Condition` is refused when rendering, so none
can slip in unchecked), resource-based policies (queue and bus policies are for other AWS
services' deliveries, not the functions), and KMS (the template uses AWS managed keys:
SQS-managed SSE, DynamoDB's and S3's own keys, which need no key permission in the role).
"""

from __future__ import annotations

import contextvars
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlparse

from leaddesk_local.provision import ACCOUNT_ID, REGION, Deployment
from leaddesk_local.template import FunctionSpec, Template, resolve

# The policies SAM attaches to a function's role by itself (AWS managed policies, as published).
BASIC_EXECUTION = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
XRAY_WRITE = (
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
)
SQS_POLLER = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")

# botocore operations authorised as another IAM action (the service's authorisation reference).
_ACTION_OF_OPERATION = {
    "sqs:SendMessageBatch": "sqs:SendMessage",
    "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
    "s3:HeadObject": "s3:GetObject",
    "s3:CreateMultipartUpload": "s3:PutObject",
    "s3:UploadPart": "s3:PutObject",
    "s3:CompleteMultipartUpload": "s3:PutObject",
    "s3:ListParts": "s3:ListMultipartUploadParts",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:HeadBucket": "s3:ListBucket",
    "dynamodb:TransactGetItems": "dynamodb:GetItem",
}
# A transaction is authorised item by item, as the action of each item's kind.
_TRANSACT_ITEM_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}


class PolicyNotUnderstood(ValueError):
    """A policy the check cannot evaluate faithfully (a condition, NotAction...): refused."""


@dataclass(frozen=True)
class Statement:
    effect: str  # "Allow" or "Deny"
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    source: str  # where it comes from: "Policies[0] StoreLeads", "SQSSendMessagePolicy"...
    declared: bool = True  # False for what SAM attaches by itself
    # Each resource as the template writes it ("LeadsTable.Arn/index/*"): the same in every
    # deployment, unlike the resolved ARN.
    labels: tuple[str, ...] = ()

    def grants(self, action: str, resource: str | None) -> bool:
        return self.action_granted(action) and (
            resource is None or any(matches(pattern, resource) for pattern in self.resources)
        )

    def action_granted(self, action: str) -> bool:
        return any(matches(pattern, action, case_sensitive=False) for pattern in self.actions)

    def labels_or_resources(self) -> tuple[str, ...]:
        return self.labels or self.resources

    def labels_of(self, resource: str | None) -> list[str]:
        """The template's names of the resources this statement grants `resource` through."""
        labels = self.labels_or_resources()
        return [
            label
            for pattern, label in zip(self.resources, labels, strict=True)
            if resource is None or matches(pattern, resource)
        ]


@dataclass(frozen=True)
class Call:
    """One authorisation AWS makes for a request: an IAM action on a resource (None when the
    check does not know how to name the resource of that service's request; then any grant of
    the action passes)."""

    action: str
    resource: str | None


@dataclass(frozen=True)
class Role:
    function: str
    statements: tuple[Statement, ...]

    def allows(self, call: Call) -> bool:
        if any(s.effect == "Deny" and s.grants(call.action, call.resource) for s in self.statements):
            return False
        return any(s.effect == "Allow" and s.grants(call.action, call.resource) for s in self.statements)

    def declared(self) -> list[Statement]:
        return [s for s in self.statements if s.declared]


@dataclass(frozen=True)
class Denial:
    function: str
    call: Call
    operation: str

    def __str__(self) -> str:
        return (
            f"{self.function} is not authorized to perform: {self.call.action} on resource: "
            f"{self.call.resource or '*'} ({self.operation}): "
            "no statement of its role in template.yaml allows it"
        )


# --- rendering the roles from the template ---------------------------------------------------
@cache
def _policy_templates() -> Any:
    from samtranslator.policy_template_processor.processor import PolicyTemplatesProcessor

    return PolicyTemplatesProcessor(PolicyTemplatesProcessor.get_default_policy_templates_json())


def _as_tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value if isinstance(value, list) else [value]))


def _statements(
    document: Mapping[str, Any], unresolved: Mapping[str, Any], source: str, declared: bool = True
) -> list[Statement]:
    statements = []
    for raw, written in zip(document.get("Statement", []), unresolved.get("Statement", []), strict=True):
        unsupported = {"Condition", "NotAction", "NotResource", "Principal"} & set(raw)
        if unsupported:
            raise PolicyNotUnderstood(
                f"{source}: {', '.join(sorted(unsupported))} is not evaluated by the IAM check"
            )
        label = f"{source} {raw['Sid']}" if raw.get("Sid") else source
        resources = _as_tuple(raw["Resource"])
        written_resources = (
            written["Resource"] if isinstance(written["Resource"], list) else [written["Resource"]]
        )
        labels = tuple(_label(r) for r in written_resources)
        statements.append(
            Statement(raw["Effect"], _as_tuple(raw["Action"]), resources, label, declared, labels)
        )
    return statements


def _label(expression: Any) -> str:
    """A resource as the template writes it: `!GetAtt LeadsTable.Arn` → "LeadsTable.Arn"."""
    if isinstance(expression, str):
        return expression
    if "Ref" in expression:
        return str(expression["Ref"])
    if "Fn::GetAtt" in expression:
        return ".".join(expression["Fn::GetAtt"])
    if "Fn::Sub" in expression:
        text, variables = expression["Fn::Sub"], {}
        if isinstance(text, list):
            text, variables = text[0], {name: _label(value) for name, value in text[1].items()}
        return re.sub(r"\$\{([^}!]+)\}", lambda m: variables.get(m.group(1), m.group(0)), text)
    return str(expression)


def declared_policies(template: Template, spec: FunctionSpec) -> list[tuple[str, dict[str, Any]]]:
    """The function's `Policies` as policy documents (SAM templates expanded), unresolved."""
    policies = spec.properties.get("Policies") or []
    if isinstance(policies, (str, dict)):
        policies = [policies]
    documents = []
    for index, policy in enumerate(policies):
        if isinstance(policy, str):
            raise PolicyNotUnderstood(
                f"{spec.logical_id}: managed policy {policy} is not evaluated by the IAM check; "
                "use statements"
            )
        if "Statement" in policy:
            documents.append((f"Policies[{index}]", policy))
            continue
        (name, parameters), *rest = policy.items()
        if rest or not _policy_templates().has(name):
            raise PolicyNotUnderstood(
                f"{spec.logical_id}: {policy} is neither statements nor a SAM policy template"
            )
        documents.append((name, _policy_templates().convert(name, parameters)))
    return documents


def role_of(template: Template, spec: FunctionSpec, lookup: Callable[[str, str | None], str]) -> Role:
    """The function's role as deployed: its declared policies and what SAM attaches, resolved."""
    if spec.properties.get("Role"):
        raise PolicyNotUnderstood(f"{spec.logical_id}: a Role of its own is not evaluated by the IAM check")
    statements: list[Statement] = []
    for source, document in declared_policies(template, spec):
        statements += _statements(resolve(document, lookup, template.parameters), document, source)
    implicit: list[tuple[str, tuple[str, ...]]] = [("AWSLambdaBasicExecutionRole", BASIC_EXECUTION)]
    if spec.properties.get("Tracing") == "Active":
        implicit.append(("AWSXrayWriteOnlyAccess", XRAY_WRITE))
    if spec.events_of("SQS"):
        implicit.append(("AWSLambdaSQSQueueExecutionRole", SQS_POLLER))
    statements += [Statement("Allow", actions, ("*",), name, declared=False) for name, actions in implicit]
    for arn, label in on_failure_queues(template, spec, lookup):
        statements.append(
            Statement("Allow", ("sqs:SendMessage",), (arn,), "EventInvokeConfig OnFailure", False, (label,))
        )
    return Role(spec.logical_id, tuple(statements))


def on_failure_queues(
    template: Template, spec: FunctionSpec, lookup: Callable[[str, str | None], str]
) -> list[tuple[str, str]]:
    """The SQS queues (ARN, as the template names it) Lambda sends a failed asynchronous
    invocation to, with the function's role."""
    destination = (spec.properties.get("EventInvokeConfig") or {}).get("DestinationConfig") or {}
    on_failure = destination.get("OnFailure") or {}
    if on_failure.get("Type") != "SQS":
        return []
    queue = on_failure["Destination"]
    return [(str(resolve(queue, lookup, template.parameters)), _label(queue))]


def roles(template: Template, deployment: Deployment) -> dict[str, Role]:
    return {spec.logical_id: role_of(template, spec, deployment.lookup) for spec in template.functions()}


# --- naming what a request asks for ----------------------------------------------------------
def calls_of(service: str, operation: str, params: Mapping[str, Any]) -> list[Call]:
    """The authorisations AWS makes for one request (`service` is the IAM prefix)."""
    action = _ACTION_OF_OPERATION.get(f"{service}:{operation}", f"{service}:{operation}")
    if service == "dynamodb":
        return _dynamodb_calls(operation, action, params)
    if service == "sqs":
        return [Call(action, _sqs_arn(str(params.get("QueueUrl", ""))))]
    if service == "events" and operation == "PutEvents":
        buses = {str(e.get("EventBusName") or "default") for e in params.get("Entries", [])}
        return [Call(action, _bus_arn(bus)) for bus in sorted(buses)]
    if service == "s3":
        return _s3_calls(operation, action, params)
    if service == "ses" and operation in ("SendEmail", "SendBulkEmail"):
        identity = str(params.get("FromEmailAddress", "")).rsplit("@", 1)[-1].strip(" >")
        calls = [Call(action, f"arn:aws:ses:{REGION}:{ACCOUNT_ID}:identity/{identity}")]
        if params.get("ConfigurationSetName"):
            calls.append(
                Call(
                    action,
                    f"arn:aws:ses:{REGION}:{ACCOUNT_ID}:configuration-set/{params['ConfigurationSetName']}",
                )
            )
        return calls
    if service == "cognito-idp" and "UserPoolId" in params:
        return [Call(action, f"arn:aws:cognito-idp:{REGION}:{ACCOUNT_ID}:userpool/{params['UserPoolId']}")]
    return [Call(action, None)]


def _table_arn(name: str, index: str | None = None) -> str:
    arn = name if name.startswith("arn:") else f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{name}"
    return f"{arn}/index/{index}" if index else arn


def _dynamodb_calls(operation: str, action: str, params: Mapping[str, Any]) -> list[Call]:
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [Call(action, _table_arn(table)) for table in sorted(params.get("RequestItems", {}))]
    if operation in ("TransactWriteItems", "TransactGetItems"):
        calls = []
        for item in params.get("TransactItems", []):
            for kind, request in item.items():
                calls.append(Call(_TRANSACT_ITEM_ACTIONS[kind], _table_arn(str(request["TableName"]))))
        return list(dict.fromkeys(calls))
    return [Call(action, _table_arn(str(params.get("TableName", "")), params.get("IndexName")))]


def _sqs_arn(queue_url: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{urlparse(queue_url).path.rstrip('/').rsplit('/', 1)[-1]}"


def _bus_arn(bus: str) -> str:
    return bus if bus.startswith("arn:") else f"arn:aws:events:{REGION}:{ACCOUNT_ID}:event-bus/{bus}"


def _s3_calls(operation: str, action: str, params: Mapping[str, Any]) -> list[Call]:
    bucket = str(params.get("Bucket", ""))
    if operation == "DeleteObjects":
        keys = [o["Key"] for o in params.get("Delete", {}).get("Objects", [])]
        return [Call("s3:DeleteObject", f"arn:aws:s3:::{bucket}/{key}") for key in keys]
    if "Key" in params:
        return [Call(action, f"arn:aws:s3:::{bucket}/{params['Key']}")]
    return [Call(action, f"arn:aws:s3:::{bucket}")]


def matches(pattern: str, value: str, case_sensitive: bool = True) -> bool:
    """IAM's wildcards: `*` any run of characters, `?` any one character."""
    return _wildcard(pattern, case_sensitive).fullmatch(value) is not None


@cache
def _wildcard(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    # Every AWS call of every function is checked against its role's patterns: each is built once
    # (the template's patterns are a few hundred; the stack checks thousands of calls a second).
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, 0 if case_sensitive else re.IGNORECASE)


# --- the check at call time ------------------------------------------------------------------
_acting_function: ContextVar[str | None] = ContextVar("leaddesk_acting_function", default=None)


def _access_denied(service: str, operation: str, denial: Denial) -> Exception:
    from botocore.exceptions import ClientError

    code = "AccessDenied" if service in ("s3", "sqs") else "AccessDeniedException"
    message = (
        f"User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/{denial.function}Role/{denial.function} "
        f"is not authorized to perform: {denial.call.action} on resource: {denial.call.resource or '*'} "
        "because no identity-based policy allows the action"
    )
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


@dataclass
class IamGuard:
    """Checks every request of the functions' clients against the acting function's role.

    `used` collects, per function, what its role allowed as (action, resource as the template
    names it) pairs: what the function actually does, for the least-privilege check."""

    roles: dict[str, Role] | None = None  # None: not checking (no deployment in use)
    denials: list[Denial] = field(default_factory=list)
    used: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def install(self) -> IamGuard:
        """Check every request of the functions' clients (`leaddesk.adapters.aws`) from now on."""
        from leaddesk.adapters import aws

        aws.check_requests_with(self.check)
        _pools_carry_the_acting_function()
        return self

    def use(self, roles: dict[str, Role] | None) -> None:
        """The roles to check against (rendered for the deployment the functions now talk to);
        None stops checking."""
        self.roles = roles

    @contextmanager
    def acting_as(self, function: str) -> Iterator[None]:
        token = _acting_function.set(function)
        try:
            yield
        finally:
            _acting_function.reset(token)

    def check(self, model: Any, params: Mapping[str, Any], **_: Any) -> None:
        """botocore's `before-parameter-build` hook: before a request is built (or presigned)."""
        function = _acting_function.get()
        if function is None or self.roles is None:  # the test or the stack setting things up
            return
        role = self.roles.get(function)
        service = str(model.service_model.signing_name)
        operation = str(model.name)
        for call in calls_of(service, operation, params):
            if role is not None and role.allows(call):
                granted = {
                    (call.action, label)
                    for statement in role.statements
                    if statement.effect == "Allow" and statement.grants(call.action, call.resource)
                    for label in statement.labels_of(call.resource)
                }
                with self._lock:
                    self.used.setdefault(function, set()).update(granted)
                continue
            denial = Denial(function, call, f"{model.service_model.service_name}.{operation}")
            with self._lock:
                self.denials.append(denial)
            raise _access_denied(service, operation, denial)

    def take_denials(self) -> list[Denial]:
        with self._lock:
            taken, self.denials = self.denials, []
        return taken

    def take_used(self) -> dict[str, set[tuple[str, str]]]:
        with self._lock:
            taken, self.used = self.used, {}
        return taken


def _pools_carry_the_acting_function() -> None:
    """Work a function hands to a thread pool (ingest's writers, the sweep's shard queries, the
    notifier's senders) runs in the context of the invocation that submitted it, so its calls
    are checked against the same role, as on Lambda where the pool lives inside the function."""
    from concurrent.futures import ThreadPoolExecutor

    if getattr(ThreadPoolExecutor.submit, "carries_context", False):
        return
    submit = ThreadPoolExecutor.submit

    def carrying(self: ThreadPoolExecutor, work: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return submit(self, contextvars.copy_context().run, work, *args, **kwargs)

    carrying.carries_context = True  # type: ignore[attr-defined]
    ThreadPoolExecutor.submit = carrying  # type: ignore[method-assign,assignment]
