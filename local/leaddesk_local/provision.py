"""Creates every stateful resource of template.yaml in a moto server, as CloudFormation would.

KMS keys, DynamoDB tables, SQS queues (with their redrive policies), S3 buckets (with their lifecycle
rules), event buses and rules with their targets, SES email identities (verified at once,
as moto allows) and configuration sets, SNS topics and their SQS subscriptions (the path of
SES's bounce and complaint feedback), and Cognito user pools with their groups (the partners'
people: `leaddesk users add`). Functions, the HTTP API, IAM and log groups have no moto
counterpart that the local stack needs: the runtime plays them from the same template (the
gateway checks local tokens).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3

from leaddesk_local.template import Template, resolve

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"


@dataclass
class Deployment:
    """Physical ids of what was created, by logical id: what `!Ref` and `!GetAtt` resolve to."""

    stack_name: str
    endpoint_url: str | None
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    def lookup(self, logical_id: str, attribute: str | None) -> str:
        pseudo = {
            "AWS::StackName": self.stack_name,
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::Partition": "aws",
        }
        if attribute is None:
            if logical_id in pseudo:
                return pseudo[logical_id]
            return self.refs.get(logical_id, f"local-{logical_id}")
        return self.attributes.get((logical_id, attribute), f"local-{logical_id}-{attribute}")


def client(service: str, endpoint_url: str | None) -> Any:
    """A client for moto: the server at `endpoint_url`, or the in-process mock when None."""
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    ).client(service, endpoint_url=endpoint_url)  # type: ignore[call-overload]


def provision(
    template: Template,
    endpoint_url: str | None,
    stack_name: str = "leaddesk",
    progress: Callable[[str], None] = lambda _: None,
) -> Deployment:
    deployment = Deployment(stack_name=stack_name, endpoint_url=endpoint_url)
    parameters = dict(template.parameters)

    def properties_of(resource: dict[str, Any]) -> dict[str, Any]:
        resolved: dict[str, Any] = resolve(resource.get("Properties", {}), deployment.lookup, parameters)
        return resolved

    _create_keys(template, deployment, properties_of, progress)
    _create_queues(template, deployment, properties_of, progress)
    _create_tables(template, deployment, properties_of, progress)
    _create_buckets(template, deployment, properties_of, progress)
    _create_buses_and_rules(template, deployment, properties_of, progress)
    _verify_email_identities(template, deployment, properties_of, progress)
    _create_topics_and_subscriptions(template, deployment, properties_of, progress)
    _create_configuration_sets(template, deployment, properties_of, progress)
    _create_user_pools(template, deployment, properties_of, progress)
    deployment.outputs = {
        name: str(resolve(spec["Value"], deployment.lookup, parameters))
        for name, spec in template.document.get("Outputs", {}).items()
    }
    return deployment


Properties = Callable[[dict[str, Any]], dict[str, Any]]
_QUEUE_ATTRIBUTES = {
    "VisibilityTimeout",
    "MessageRetentionPeriod",
    "RedrivePolicy",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "SqsManagedSseEnabled",
}


def _attribute_text(value: Any) -> str:
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _create_keys(
    template: Template, deployment: Deployment, properties_of: Properties, progress: Callable[[str], None]
) -> None:
    """KMS keys (the webhook signing secrets' key): `!Ref` is the key id, `!GetAtt .Arn` its ARN."""
    kms = client("kms", deployment.endpoint_url)
    for logical_id, resource in template.of_type("AWS::KMS::Key").items():
        properties = properties_of(resource)
        metadata = kms.create_key(Description=str(properties.get("Description", logical_id)))["KeyMetadata"]
        deployment.refs[logical_id] = metadata["KeyId"]
        deployment.attributes[(logical_id, "Arn")] = metadata["Arn"]
        progress(f"key {logical_id}")


def _create_queues(
    template: Template, deployment: Deployment, properties_of: Properties, progress: Callable[[str], None]
) -> None:
    # Dead-letter queues first: other queues' RedrivePolicy points at them.
    queues = template.of_type("AWS::SQS::Queue")
    ordered = sorted(queues, key=lambda lid: "RedrivePolicy" in queues[lid].get("Properties", {}))
    sqs = client("sqs", deployment.endpoint_url)
    for logical_id in ordered:
        properties = properties_of(queues[logical_id])
        name = properties.get("QueueName") or f"{deployment.stack_name}-{logical_id}"
        attributes = {k: _attribute_text(v) for k, v in properties.items() if k in _QUEUE_ATTRIBUTES}
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        deployment.refs[logical_id] = url
        deployment.attributes[(logical_id, "Arn")] = arn
        deployment.attributes[(logical_id, "QueueName")] = name
        deployment.attributes[(logical_id, "QueueUrl")] = url
        progress(f"queue {name}")


def _create_tables(
    template: Template, deployment: Deployment, properties_of: Properties, progress: Callable[[str], None]
) -> None:
    dynamodb = client("dynamodb", deployment.endpoint_url)
    for logical_id, resource in template.of_type("AWS::DynamoDB::Table").items():
        properties = properties_of(resource)
        name = properties.get("TableName") or f"{deployment.stack_name}-{logical_id}"
        deployment.refs[logical_id] = name
        deployment.attributes[(logical_id, "Arn")] = create_table(dynamodb, name, properties)
        progress(f"table {name}")


def create_table(dynamodb: Any, name: str, properties: dict[str, Any]) -> str:
    """A table named `name` as a template's (resolved) `AWS::DynamoDB::Table` properties define
    it: keys, indexes, billing mode, time to live. Its ARN."""
    request: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "BillingMode": properties.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if properties.get("GlobalSecondaryIndexes"):
        request["GlobalSecondaryIndexes"] = properties["GlobalSecondaryIndexes"]
    arn: str = dynamodb.create_table(**request)["TableDescription"]["TableArn"]
    if properties.get("TimeToLiveSpecification"):
        dynamodb.update_time_to_live(
            TableName=name, TimeToLiveSpecification=properties["TimeToLiveSpecification"]
        )
    return arn


def _create_buckets(
    template: Template, deployment: Deployment, properties_of: Properties, progress: Callable[[str], None]
) -> None:
    s3 = client("s3", deployment.endpoint_url)
    for logical_id, resource in template.of_type("AWS::S3::Bucket").items():
        properties = properties_of(resource)
        # Bucket names are lower case; CloudFormation's generated names are too.
        name = properties.get("BucketName") or f"{deployment.stack_name}-{logical_id}".lower()
        s3.create_bucket(Bucket=name)
        rules = (properties.get("LifecycleConfiguration") or {}).get("Rules")
        if rules:
            s3.put_bucket_lifecycle_configuration(
                Bucket=name, LifecycleConfiguration={"Rules": [_lifecycle_rule(rule) for rule in rules]}
            )
        deployment.refs[logical_id] = name
        deployment.attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{name}"
        deployment.attributes[(logical_id, "DomainName")] = f"{name}.s3.amazonaws.com"
        deployment.attributes[(logical_id, "RegionalDomainName")] = f"{name}.s3.{REGION}.amazonaws.com"
        progress(f"bucket {name}")


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A lifecycle rule as CloudFormation writes it → as the S3 API takes it."""
    api: dict[str, Any] = {"ID": rule.get("Id", "rule"), "Status": rule["Status"]}
    api["Filter"] = {"Prefix": rule.get("Prefix", "")}
    if "ExpirationInDays" in rule:
        api["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "AbortIncompleteMultipartUpload" in rule:
        days = int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
        api["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
    return api


def _create_buses_and_rules(
    template: Template, deployment: Deployment, properties_of: Properties, progress: Callable[[str], None]
) -> None:
    events = client("events", deployment.endpoint_url)
    for logical_id, resource in template.of_type("AWS::Events::EventBus").items():
        name = properties_of(resource)["Name"]
        arn = events.create_event_bus(Name=name)["EventBusArn"]
        deployment.refs[logical_id] = name
        deployment.attributes[(logical_id, "Arn")] = arn
        deployment.attributes[(logical_id, "Name")] = name
        progress(f"event bus {name}")

    for logical_id, resource in template.of_type("AWS::Events::Rule").items():
        properties = properties_of(resource)
        name = properties.get("Name") or f"{deployment.stack_name}-{logical_id}"
        bus = properties.get("EventBusName", "default")
        rule: dict[str, Any] = {
            "Name": name,
            "EventBusName": bus,
            "State": properties.get("State", "ENABLED"),
        }
        if "EventPattern" in properties:
            rule["EventPattern"] = json.dumps(properties["EventPattern"])
        if "ScheduleExpression" in properties:
            rule["ScheduleExpression"] = properties["ScheduleExpression"]
        arn = events.put_rule(**rule)["RuleArn"]
        targets = [{"Id": t["Id"], "Arn": t["Arn"]} for t in properties.get("Targets", [])]
        if targets:
            events.put_targets(Rule=name, EventBusName=bus, Targets=targets)
        deployment.refs[logical_id] = name
        deployment.attributes[(logical_id, "Arn")] = arn
        progress(f"rule {name}")


def _verify_email_identities(
    template: Template, deployment: Deployment, properties_of: Properties, progress: Callable[[str], None]
) -> None:
    sesv2 = client("sesv2", deployment.endpoint_url)
    for logical_id, resource in template.of_type("AWS::SES::EmailIdentity").items():
        identity = str(properties_of(resource)["EmailIdentity"])
        sesv2.create_email_identity(EmailIdentity=identity)
        deployment.refs[logical_id] = identity
        progress(f"email identity {identity} (verified)")


def _create_topics_and_subscriptions(
    template: Template, deployment: Deployment, properties_of: Properties, progress: Callable[[str], None]
) -> None:
    sns = client("sns", deployment.endpoint_url)
    for logical_id, resource in template.of_type("AWS::SNS::Topic").items():
        name = properties_of(resource).get("TopicName") or f"{deployment.stack_name}-{logical_id}"
        arn = sns.create_topic(Name=name)["TopicArn"]
        deployment.refs[logical_id] = arn
        deployment.attributes[(logical_id, "TopicArn")] = arn
        deployment.attributes[(logical_id, "TopicName")] = name
        progress(f"topic {name}")
    for logical_id, resource in template.of_type("AWS::SNS::Subscription").items():
        properties = properties_of(resource)
        attributes = {"RawMessageDelivery": _attribute_text(properties.get("RawMessageDelivery", False))}
        answer = sns.subscribe(
            TopicArn=properties["TopicArn"],
            Protocol=properties["Protocol"],
            Endpoint=properties["Endpoint"],
            Attributes=attributes,
            ReturnSubscriptionArn=True,
        )
        deployment.refs[logical_id] = answer["SubscriptionArn"]
        progress(f"subscription {logical_id}")


def _create_configuration_sets(
    template: Template, deployment: Deployment, properties_of: Properties, progress: Callable[[str], None]
) -> None:
    sesv2 = client("sesv2", deployment.endpoint_url)
    for logical_id, resource in template.of_type("AWS::SES::ConfigurationSet").items():
        name = properties_of(resource).get("Name") or f"{deployment.stack_name}-{logical_id}"
        sesv2.create_configuration_set(ConfigurationSetName=name)
        deployment.refs[logical_id] = name
        progress(f"configuration set {name}")


_USER_POOL_PROPERTIES = {
    "UserPoolName",
    "UsernameAttributes",
    "AutoVerifiedAttributes",
    "AdminCreateUserConfig",
}


def _create_user_pools(
    template: Template, deployment: Deployment, properties_of: Properties, progress: Callable[[str], None]
) -> None:
    """Each user pool (its custom attributes declared, as `custom:<name>`) and its groups."""
    cognito = client("cognito-idp", deployment.endpoint_url)
    for logical_id, resource in template.of_type("AWS::Cognito::UserPool").items():
        properties = properties_of(resource)
        request = {k: v for k, v in properties.items() if k in _USER_POOL_PROPERTIES}
        request.setdefault("UserPoolName", f"{deployment.stack_name}-{logical_id}")
        request["PoolName"] = request.pop("UserPoolName")
        if properties.get("Schema"):
            request["Schema"] = [
                {**attribute, "Mutable": bool(attribute.get("Mutable", True))}
                for attribute in properties["Schema"]
            ]
        pool = cognito.create_user_pool(**request)["UserPool"]
        deployment.refs[logical_id] = pool["Id"]
        deployment.attributes[(logical_id, "Arn")] = pool["Arn"]
        deployment.attributes[(logical_id, "ProviderName")] = (
            f"cognito-idp.{REGION}.amazonaws.com/{pool['Id']}"
        )
        progress(f"user pool {request['PoolName']}")
    for logical_id, resource in template.of_type("AWS::Cognito::UserPoolGroup").items():
        properties = properties_of(resource)
        group = {"GroupName": properties["GroupName"], "UserPoolId": properties["UserPoolId"]}
        if properties.get("Description"):
            group["Description"] = properties["Description"]
        cognito.create_group(**group)
        deployment.refs[logical_id] = properties["GroupName"]
        progress(f"user pool group {properties['GroupName']}")
