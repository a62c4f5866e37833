"""Each moto patch of the local stack keeps the semantics LeadDesk relies on (one test per patch).

The patches are applied in this process (idempotent) and exercised through boto3 against
moto's in-process mock, with answers computed independently of moto.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from leaddesk_local import moto_patches
from leaddesk_local.provision import client

moto_patches.apply()

TABLE = "patched"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


@pytest.fixture
def db(aws: None) -> Any:
    dynamodb = client("dynamodb", None)
    dynamodb.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("PK", "SK", "GPK", "GSK")
        ],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "ByG",
                "KeySchema": [
                    {"AttributeName": "GPK", "KeyType": "HASH"},
                    {"AttributeName": "GSK", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "KeysOnly",
                "KeySchema": [
                    {"AttributeName": "GPK", "KeyType": "HASH"},
                    {"AttributeName": "GSK", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
        ],
    )
    return dynamodb


def item(pk: str, sk: str, gpk: str | None = None, gsk: str | None = None, n: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = {"PK": {"S": pk}, "SK": {"S": sk}, "n": {"N": str(n)}}
    if gpk is not None:
        found["GPK"] = {"S": gpk}
    if gsk is not None:
        found["GSK"] = {"S": gsk}
    return found


def query_all(db: Any, **request: Any) -> tuple[list[tuple[str, str]], list[int], list[int]]:
    """Every page: the keys in order, and each page's ScannedCount and Count."""
    keys, scanned, counted = [], [], []
    request = {"TableName": TABLE, **request}
    while True:
        answer = db.query(**request)
        keys += [(i["PK"]["S"], i["SK"]["S"]) for i in answer["Items"]]
        scanned.append(answer["ScannedCount"])
        counted.append(answer["Count"])
        if "LastEvaluatedKey" not in answer:
            return keys, scanned, counted
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


# --- 1. instance tracking -------------------------------------------------------------------------
def test_models_are_not_kept_alive_by_moto_but_s3_keys_still_are(db: Any) -> None:
    from moto.dynamodb.models.dynamo_type import Item
    from moto.s3.models import FakeKey

    before = len(Item.instances_tracked)  # type: ignore[attr-defined]
    for n in range(50):
        db.put_item(TableName=TABLE, Item=item("P#a", f"L#{n}"))
    assert len(Item.instances_tracked) == before  # type: ignore[attr-defined]
    s3 = client("s3", None)
    s3.create_bucket(Bucket="tracked-keys")
    tracked = len(FakeKey.instances_tracked)  # type: ignore[attr-defined]
    s3.put_object(Bucket="tracked-keys", Key="k", Body=b"x")
    assert len(FakeKey.instances_tracked) == tracked + 1  # type: ignore[attr-defined]  # moto's reset closes it


# --- 2. building an item ----------------------------------------------------------------------------
def test_items_keep_their_attributes_and_the_400_kb_limit(db: Any) -> None:
    db.put_item(TableName=TABLE, Item=item("P#a", "L#1", "G#a", "1", n=7) | {"s": {"SS": ["x", "y"]}})
    stored = db.get_item(TableName=TABLE, Key={"PK": {"S": "P#a"}, "SK": {"S": "L#1"}})["Item"]
    assert stored["n"] == {"N": "7"} and sorted(stored["s"]["SS"]) == ["x", "y"]
    with pytest.raises(ClientError, match="Item size has exceeded the maximum allowed size"):
        db.put_item(TableName=TABLE, Item=item("P#a", "L#2") | {"big": {"S": "x" * 410_000}})


# --- 3. partitions in key order ---------------------------------------------------------------------
def test_queries_read_their_partition_in_key_order_with_moto_s_paging_and_counts(db: Any) -> None:
    rng = random.Random(5)
    model: dict[tuple[str, str], dict[str, Any]] = {}
    for n in range(300):
        pk, sk = f"P#{rng.randrange(3)}", f"L#{rng.randrange(10_000):05d}"
        gpk = rng.choice([None, "G#x", "G#y"])
        gsk = None if gpk is None or rng.random() < 0.1 else f"{rng.randrange(50):02d}"  # sparse
        model[(pk, sk)] = item(pk, sk, gpk, gsk, n=n % 7)
        db.put_item(TableName=TABLE, Item=model[(pk, sk)])
    for (pk, sk), current in list(model.items())[::4]:  # updates move items between partitions
        new = rng.choice(["G#x", "G#y"])
        db.update_item(
            TableName=TABLE,
            Key={"PK": {"S": pk}, "SK": {"S": sk}},
            UpdateExpression="SET GPK = :g, GSK = :s",
            ExpressionAttributeValues={":g": {"S": new}, ":s": {"S": "25"}},
        )
        current |= {"GPK": {"S": new}, "GSK": {"S": "25"}}
    for key in list(model)[1::9]:  # deletes leave them
        db.delete_item(TableName=TABLE, Key={"PK": {"S": key[0]}, "SK": {"S": key[1]}})
        del model[key]

    def expected(index: bool, partition: str, keep: Any, forward: bool) -> list[tuple[str, str]]:
        attr, sort = ("GPK", "GSK") if index else ("PK", "SK")
        found = [
            v
            for v in model.values()
            if v.get(attr, {}).get("S") == partition and sort in v and keep(v[sort]["S"])
        ]
        found.sort(key=lambda v: (v[sort]["S"], v["PK"]["S"], v["SK"]["S"]), reverse=not forward)
        return [(v["PK"]["S"], v["SK"]["S"]) for v in found]

    cases = [
        ("=", "10", lambda s: s == "10"),
        ("<", "10", lambda s: s < "10"),
        ("<=", "10", lambda s: s <= "10"),
        (">", "40", lambda s: s > "40"),
        (">=", "40", lambda s: s >= "40"),
        ("BETWEEN", ("05", "15"), lambda s: "05" <= s <= "15"),
        ("begins_with", "2", lambda s: s.startswith("2")),
        (None, None, lambda s: True),
    ]
    for index in (True, False):
        partition = "G#x" if index else "P#1"
        for operator, operand, keep in cases:
            if not index and operator in ("BETWEEN", "begins_with"):
                continue  # the table's sort keys are L#…: the index cases cover these
            for forward in (True, False):
                request: dict[str, Any] = {"ScanIndexForward": forward, "Limit": 7}
                condition = "#p = :p"
                values: dict[str, Any] = {":p": {"S": partition}}
                if index:
                    request["IndexName"] = "ByG"
                if operator == "BETWEEN":
                    condition += " AND #s BETWEEN :a AND :b"
                    values |= {":a": {"S": operand[0]}, ":b": {"S": operand[1]}}
                elif operator == "begins_with":
                    condition += " AND begins_with(#s, :a)"
                    values[":a"] = {"S": operand}
                elif operator is not None:
                    condition += f" AND #s {operator} :a"
                    values[":a"] = {"S": operand if index else f"L#{int(operand) * 200:05d}"}
                selects = keep if index or operator is None else _on_sort_key(operator, values[":a"]["S"])
                names = {"#p": "GPK" if index else "PK"}
                if operator is not None:
                    names["#s"] = "GSK" if index else "SK"
                keys, scanned, counted = query_all(
                    db,
                    KeyConditionExpression=condition,
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=values,
                    **request,
                )
                want = expected(index, partition, selects, forward)
                assert keys == want, (index, operator, forward)
                assert all(s <= 7 for s in scanned) and scanned == counted
                assert sum(scanned) == len(want)
    # A filter applies after the key and the limit: ScannedCount counts what the key selected.
    answer = db.query(
        TableName=TABLE,
        IndexName="ByG",
        KeyConditionExpression="GPK = :p",
        FilterExpression="n = :z",
        ExpressionAttributeValues={":p": {"S": "G#y"}, ":z": {"N": "0"}},
        Limit=10,
    )
    assert answer["ScannedCount"] == 10 and answer["Count"] == sum(
        1 for i in answer["Items"] if i["n"]["N"] == "0"
    )
    # A keys-only index projects.
    [first] = db.query(
        TableName=TABLE,
        IndexName="KeysOnly",
        KeyConditionExpression="GPK = :p",
        ExpressionAttributeValues={":p": {"S": "G#y"}},
        Limit=1,
    )["Items"]
    assert set(first) == {"PK", "SK", "GPK", "GSK"}


def _on_sort_key(operator: str, operand: str) -> Any:
    compare = {
        "=": lambda s: s == operand,
        "<": lambda s: s < operand,
        "<=": lambda s: s <= operand,
        ">": lambda s: s > operand,
        ">=": lambda s: s >= operand,
    }
    return compare[operator]


# --- 4. transactions ---------------------------------------------------------------------------------
def test_a_cancelled_transaction_restores_exactly_its_items_and_says_why(db: Any) -> None:
    db.put_item(TableName=TABLE, Item=item("P#a", "L#1", "G#x", "01", n=1))
    db.put_item(TableName=TABLE, Item=item("P#a", "L#2", "G#x", "02", n=2))
    with pytest.raises(ClientError) as cancelled:
        db.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": item("P#a", "L#3", "G#x", "03")}},
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": {"PK": {"S": "P#a"}, "SK": {"S": "L#1"}},
                        "UpdateExpression": "SET GSK = :s",
                        "ExpressionAttributeValues": {":s": {"S": "99"}},
                    }
                },
                {
                    "Put": {
                        "TableName": TABLE,
                        "Item": item("P#a", "L#2", "G#x", "77"),
                        "ConditionExpression": "attribute_not_exists(PK)",
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ]
        )
    reasons = cancelled.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "None", "ConditionalCheckFailed"]
    assert reasons[2]["Item"]["n"] == {"N": "2"}
    keys, _, _ = query_all(
        db, IndexName="ByG", KeyConditionExpression="GPK = :p", ExpressionAttributeValues={":p": {"S": "G#x"}}
    )
    assert keys == [("P#a", "L#1"), ("P#a", "L#2")]  # the put undone, the update undone (order by GSK)
    assert "Item" not in db.get_item(TableName=TABLE, Key={"PK": {"S": "P#a"}, "SK": {"S": "L#3"}})
    with pytest.raises(ClientError, match="multiple operations on one item"):
        one = {"TableName": TABLE, "Key": {"PK": {"S": "P#a"}, "SK": {"S": "L#1"}}}
        db.transact_write_items(
            TransactItems=[
                {"ConditionCheck": one | {"ConditionExpression": "attribute_exists(PK)"}},
                {"Delete": one},
            ]
        )
    db.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": TABLE, "Item": item("P#a", "L#3", "G#x", "00")}},
            {"Delete": {"TableName": TABLE, "Key": {"PK": {"S": "P#a"}, "SK": {"S": "L#1"}}}},
        ]
    )
    keys, _, _ = query_all(
        db, IndexName="ByG", KeyConditionExpression="GPK = :p", ExpressionAttributeValues={":p": {"S": "G#x"}}
    )
    assert keys == [("P#a", "L#3"), ("P#a", "L#2")]


# --- 5. queues ------------------------------------------------------------------------------------
def test_queues_keep_visibility_receive_counts_redrive_and_their_numbers(aws: None) -> None:
    sqs = client("sqs", None)
    dlq = sqs.create_queue(QueueName="dead")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(
        QueueName="work",
        Attributes={"RedrivePolicy": f'{{"deadLetterTargetArn": "{dlq_arn}", "maxReceiveCount": "2"}}'},
    )["QueueUrl"]
    for n in range(25):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30)["Messages"]
    assert [m["Body"] for m in first] == [f"m{n}" for n in range(10)]  # oldest first
    numbers = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (numbers["ApproximateNumberOfMessages"], numbers["ApproximateNumberOfMessagesNotVisible"]) == (
        "15",
        "10",
    )
    second = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30)["Messages"]
    assert [m["Body"] for m in second] == [f"m{n}" for n in range(10, 20)]  # in flight ones skipped
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])  # again: accepted
    with pytest.raises(ClientError, match="ReceiptHandleIsInvalid"):
        sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle")
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first[1]["ReceiptHandle"], VisibilityTimeout=0)
    again = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=1, AttributeNames=["All"], VisibilityTimeout=0
    )
    assert (
        again["Messages"][0]["Body"] == "m1"
        and again["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "2"
    )
    time.sleep(0.01)
    # a third receive of m1 exceeds maxReceiveCount 2: the redrive policy moves it to the DLQ
    third = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=30)["Messages"]
    assert third[0]["Body"] == "m20"
    moved = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in moved] == ["m1"]


# --- 6. EventBridge --------------------------------------------------------------------------------
def test_a_rule_still_delivers_each_whole_event_to_its_queue(aws: None) -> None:
    sqs, events = client("sqs", None), client("events", None)
    url = sqs.create_queue(QueueName="target")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.create_event_bus(Name="bus")
    events.put_rule(Name="r", EventBusName="bus", EventPattern='{"detail-type": ["Profile Inquiry"]}')
    events.put_targets(Rule="r", EventBusName="bus", Targets=[{"Id": "q", "Arn": arn}])
    for n in range(2):  # the second delivery reuses the parsed paths
        events.put_events(
            Entries=[
                {
                    "EventBusName": "bus",
                    "Source": "s",
                    "DetailType": "Profile Inquiry",
                    "Detail": f'{{"n": {n}}}',
                },
                {"EventBusName": "bus", "Source": "s", "DetailType": "Other", "Detail": "{}"},
            ]
        )
    bodies = [
        json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    ]
    assert [(b["detail-type"], b["detail"], b["source"]) for b in bodies] == [
        ("Profile Inquiry", {"n": 0}, "s"),
        ("Profile Inquiry", {"n": 1}, "s"),
    ]


# --- 7. the server ---------------------------------------------------------------------------------
def test_every_service_moto_ships_is_still_listed() -> None:
    import os

    from moto import backends

    shipped = {
        name
        for name in os.listdir(os.path.dirname(moto_patches.moto.__file__))
        if os.path.isdir(os.path.join(os.path.dirname(moto_patches.moto.__file__), name))
        and not name.startswith("__")
    }
    assert set(backends.list_of_moto_modules()) == shipped
    assert {"dynamodb", "sqs", "events", "s3", "ses"} <= shipped


def test_each_service_s_actions_are_still_the_functions_of_its_response_class(db: Any) -> None:
    from moto.core import responses, utils
    from moto.dynamodb.responses import DynamoHandler
    from moto.sqs.responses import SQSResponse

    for handler in (DynamoHandler, SQSResponse):
        listed = responses.method_names_from_class(handler)
        assert listed == utils.method_names_from_class(handler)
        assert responses.method_names_from_class(handler) is listed  # listed once
    assert "transact_write_items" in responses.method_names_from_class(DynamoHandler)
    assert db.list_tables()["TableNames"]  # requests still reach their action


def test_read_answers_are_the_json_moto_s_serializer_would_write(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.dynamodb.responses import DynamoResult

    item = {
        "PK": {"S": "p"},
        "SK": {"S": "é\u2028 \x00"},
        "n": {"N": "1.50"},
        "b": {"B": b"\x00\x01xyz"},
        "bs": {"BS": [b"a", b"b"]},
        "ss": {"SS": ["x", "y"]},
        "ns": {"NS": ["1", "2"]},
        "m": {"M": {"l": {"L": [{"S": "q"}, {"NULL": True}, {"BOOL": False}, {"M": {}}]}}},
    }
    db.put_item(TableName=TABLE, Item=item)
    key = {"PK": {"S": "p"}, "SK": item["SK"]}
    query = {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "p"}}}

    def read_all() -> list[tuple[str, Any]]:
        answers: list[tuple[str, Any]] = []

        def keep(http_response: Any, model: Any, **_: Any) -> None:
            answers.append((model.name, json.loads(http_response.content)))

        db.meta.events.register("after-call.dynamodb.*", keep)
        assert db.get_item(TableName=TABLE, Key=key)["Item"] == item
        assert "Item" not in db.get_item(TableName=TABLE, Key={"PK": {"S": "none"}, "SK": {"S": "x"}})
        assert db.query(TableName=TABLE, Limit=1, **query)["Items"] == [item]
        assert db.query(TableName=TABLE, Select="COUNT", **query)["Count"] == 1
        assert db.batch_get_item(RequestItems={TABLE: {"Keys": [key]}})["Responses"][TABLE] == [item]
        assert db.scan(TableName=TABLE)["Items"] == [item]
        db.meta.events.unregister("after-call.dynamodb.*", keep)
        return answers

    patched = read_all()
    monkeypatch.setattr(DynamoResult, "execute_result", moto_patches.SHAPE_DRIVEN["execute_result"])
    assert patched == read_all()  # the very same answers as moto's own serializer writes
