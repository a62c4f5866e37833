"""The export bucket and queue as the template declares them: private, encrypted, TLS only,
files kept for the retention period, and a worker that knows the queue's delivery limit."""

from __future__ import annotations

from typing import Any

from leaddesk_local.template import Template


def _properties(template: Template, logical_id: str) -> dict[str, Any]:
    properties: dict[str, Any] = template.resources[logical_id]["Properties"]
    return properties


def test_the_export_bucket_is_private_encrypted_tls_only_and_forgets_old_files(template: Template) -> None:
    bucket = _properties(template, "ExportBucket")
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}
    assert rules["DeleteExportsAfterRetention"]["ExpirationInDays"] == {"Ref": "ExportRetentionDays"}
    assert template.parameters["ExportRetentionDays"] == 7
    assert rules["AbortUnfinishedUploads"]["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] >= 1
    (tls,) = _properties(template, "ExportBucketPolicy")["PolicyDocument"]["Statement"]
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_worker_writes_only_under_the_exports_prefix(template: Template) -> None:
    statements = [
        statement
        for policy in _properties(template, "ExportWorkerFunction")["Policies"]
        if isinstance(policy, dict) and "Statement" in policy
        for statement in policy["Statement"]
    ]
    s3 = [s for s in statements if any(str(a).startswith("s3:") for a in s["Action"])]
    assert s3 and all(s["Resource"] == {"Fn::Sub": "${ExportBucket.Arn}/exports/*"} for s in s3)


def test_the_worker_knows_the_export_queue_s_delivery_limit(template: Template) -> None:
    queue = _properties(template, "ExportQueue")
    worker = _properties(template, "ExportWorkerFunction")
    limit = worker["Environment"]["Variables"]["EXPORT_MAX_RECEIVES"]
    assert limit == queue["RedrivePolicy"]["maxReceiveCount"]
    # Lambda's SQS source wants the visibility timeout at least six times the function's timeout.
    assert queue["VisibilityTimeout"] >= 6 * worker["Timeout"]
