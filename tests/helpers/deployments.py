"""One moto deployment per test worker, shared by the tests that keep apart by partner id.

Provisioning the template in moto takes seconds; a test's own work mostly takes a fraction of
that. The worker provisions once, in moto's in-process back ends, and each test that asks for
`deployment` runs against it with the mock switched on, the functions' environment set, and
the state that is not keyed by partner emptied first (`SharedDeployment.clean`).

A test marked `fresh_deployment` gets a table of its own besides (the same definition, a new
name, `TABLE_NAME` pointing at it): the sweep's `DueByShard` index, the digest's `DigestsDue`
index and a Scan see every partner of a table, so a test that asserts on a whole run or a
whole table must be alone in its table. Queues, buckets, the bus and SES are emptied for every
test anyway, so the table is all a test needs of its own.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from moto import mock_aws

from leaddesk_local.provision import ACCOUNT_ID, REGION, Deployment, client, create_table, provision
from leaddesk_local.stack import merged_environment
from leaddesk_local.template import Template, resolve

CAPTURE_PREFIX = "capture-"  # what `tests.helpers.bus.capture_bus_events` names its queues and rules

# The credentials and region every test on moto runs with, and what it changes of the
# functions' environment (no DNS lookups for email deliverability).
BASE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}
TEST_SWITCHES = {"EMAIL_DELIVERABILITY": "off"}


class SharedDeployment:
    """The template's resources in moto's in-process back ends, provisioned on first use and
    again if something reset moto since (a test with a `mock_aws()` of its own that started
    while none was active resets every back end)."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self._deployment: Deployment | None = None
        self._environment: dict[str, str] = {}
        self._clients: dict[str, Any] = {}
        self._fresh_tables = itertools.count(1)

    @contextmanager
    def in_use(self, fresh_table: bool) -> Iterator[Deployment]:
        """The mock on (without resetting moto), the deployment clean, its environment set."""
        mock = mock_aws()
        mock.start(reset=False)
        try:
            with pytest.MonkeyPatch.context() as environment:
                for name, value in BASE_ENVIRONMENT.items():
                    environment.setenv(name, value)
                environment.delenv("AWS_ENDPOINT_URL", raising=False)
                deployed = self._provisioned()
                self.clean(deployed)
                functions_environment = self._environment
                if fresh_table:
                    deployed = self._with_table_of_its_own(deployed)
                    functions_environment = merged_environment(self.template, deployed)
                for name, value in (functions_environment | TEST_SWITCHES).items():
                    environment.setenv(name, value)
                try:
                    yield deployed
                finally:
                    if deployed is not self._deployment:
                        self._client("dynamodb").delete_table(TableName=deployed.refs["LeadsTable"])
        finally:
            mock.stop(remove_data=False)

    def _client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = client(service, None)
        return self._clients[service]

    def _provisioned(self) -> Deployment:
        if self._deployment is None or not _table_exists(self._deployment.refs["LeadsTable"]):
            self._deployment = provision(self.template, None)
            self._environment = merged_environment(self.template, self._deployment)
        return self._deployment

    def clean(self, deployed: Deployment) -> None:
        """Empty what tests share regardless of partner: every queue of the template (the
        functions' queues and their dead-letter queues), the queues and rules tests subscribed
        to the bus, the buckets (objects and unfinished uploads), and the mail moto's SES holds.
        Tests run one at a time in a worker, so nothing is in flight. moto's back ends tell what
        holds anything; only that is emptied through the API (most tests leave little behind)."""
        from moto.s3.models import s3_backends
        from moto.ses.models import ses_backends
        from moto.sqs.models import sqs_backends

        queues = sqs_backends[ACCOUNT_ID][REGION]
        with pytest.MonkeyPatch.context() as moto_settings:
            # SQS refuses a second purge within 60 s; moto does too unless told otherwise.
            moto_settings.setenv("MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR", "false")
            for logical_id in self.template.of_type("AWS::SQS::Queue"):
                queues.purge_queue(deployed.attributes[(logical_id, "QueueName")])
        if any(name.startswith(CAPTURE_PREFIX) for name in queues.queues):
            self._remove_captures(deployed.outputs["EventBusName"])
        buckets = s3_backends[ACCOUNT_ID]["aws"].buckets
        for logical_id in self.template.of_type("AWS::S3::Bucket"):
            name = deployed.refs[logical_id]
            if buckets[name].keys or buckets[name].multiparts:
                _empty_bucket(self._client("s3"), name)
        ses_backends[ACCOUNT_ID][REGION].sent_messages.clear()

    def _remove_captures(self, bus: str) -> None:
        sqs, events = self._client("sqs"), self._client("events")
        for rule in events.list_rules(EventBusName=bus, NamePrefix=CAPTURE_PREFIX)["Rules"]:
            targets = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus)["Targets"]
            if targets:
                events.remove_targets(Rule=rule["Name"], EventBusName=bus, Ids=[t["Id"] for t in targets])
            events.delete_rule(Name=rule["Name"], EventBusName=bus)
        for url in sqs.list_queues(QueueNamePrefix=CAPTURE_PREFIX).get("QueueUrls", []):
            sqs.delete_queue(QueueUrl=url)

    def _with_table_of_its_own(self, deployed: Deployment) -> Deployment:
        """The deployment with a new, empty `LeadsTable` defined as the template defines it."""
        name = f"{deployed.refs['LeadsTable']}-fresh{next(self._fresh_tables)}"
        resource = self.template.of_type("AWS::DynamoDB::Table")["LeadsTable"]
        properties = resolve(resource.get("Properties", {}), deployed.lookup, dict(self.template.parameters))
        arn = create_table(self._client("dynamodb"), name, properties)
        return dataclasses.replace(
            deployed,
            refs=deployed.refs | {"LeadsTable": name},
            attributes=deployed.attributes | {("LeadsTable", "Arn"): arn},
            outputs=deployed.outputs | {"LeadsTableName": name},
        )


def _table_exists(name: str) -> bool:
    from moto.dynamodb.models import dynamodb_backends

    return name in dynamodb_backends[ACCOUNT_ID][REGION].tables


def _empty_bucket(s3: Any, bucket: str) -> None:
    uploads = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    for upload in uploads:
        s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    while objects := s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": o["Key"]} for o in objects]})
