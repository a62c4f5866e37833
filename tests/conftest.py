"""Shared fixtures: moto back ends built from template.yaml, a local stack, a flaky bus.

Tests on moto share one deployment per worker and keep apart by partner id, as the product
keeps tenants apart (every key begins with `P#<partner>`). The rule for a test on `deployment`:

- take partners from the `partners` fixture (`partners.contoso`, `partners.other`,
  `partners("keys-1")`), never a fixed id such as "p-contoso": another test of the worker may
  have written that partner's leads. The helpers (`make_lead`, `marketplace_lead`,
  `call_api`, `put_settings`, ...) act for `partners.contoso` when given no partner, so a test
  that only uses the defaults needs nothing more; expected values name the partner too
  (`f"user-{partners.contoso}"`, `f"P#{partners.contoso}"`);
- queues (and their dead-letter queues), the bus's test subscriptions, the buckets and the
  mail SES holds are emptied before each test, and `composition` is reset: a test sees only
  its own messages and mail;
- what reads across partners — the sweep over `DueByShard`, the digest over `DigestsDue`, a
  Scan, any count over a whole table — sees every test's leads. Such a test is marked
  `@pytest.mark.fresh_deployment` and gets a table of its own (see tests/helpers/deployments.py).

The concurrency tests run moto servers of their own (`tests/helpers/moto.py`) and are not
concerned. A test that starts a `mock_aws()` of its own while the shared one is off resets
moto's back ends; the next test on `deployment` then provisions again (slower, still right).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leaddesk import composition
from leaddesk_local import iam, moto_patches
from leaddesk_local.iam import IamGuard
from leaddesk_local.process import StackDidNotStart, running_stack
from leaddesk_local.provision import Deployment, client
from leaddesk_local.template import Template
from tests.helpers.deployments import SharedDeployment
from tests.helpers.iam import RECORDING, act_as_functions, load_record, save_worker_record, unrecorded
from tests.helpers.stack import RunningStack
from tests.helpers.tenants import Partners, acting_for

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fresh_deployment: the test's `deployment` has a table of its own (the test reads across "
        "partners: the sweep, the digest, a Scan, a count over the whole table)",
    )
    config.addinivalue_line(
        "markers",
        "iam_denials_expected: the test makes a function call AWS without the permission, on purpose",
    )
    config.addinivalue_line(
        "markers",
        "long: runs for minutes on its own (schemathesis, the fault-injection workload); started "
        "first, so that no worker is left running it alone at the end of the run",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long tests first: xdist hands tests out in this order, and a long one handed out last
    would end the run on one busy worker while the other sits idle."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(scope="session", autouse=True)
def _in_process_moto_answers_one_request_at_a_time() -> None:
    """DynamoDB and SQS are safe for concurrent callers; moto's in-process mock is not (its dicts
    change under a concurrent reader). Services that write concurrently (ingest writes a batch's
    leads at once) get the service's guarantee back by one lock around moto's request dispatch,
    as the local stack's moto server does with its readers-writer lock."""
    import threading

    from moto.core.botocore_stubber import BotocoreStubber

    dispatch = BotocoreStubber.__call__
    one_at_a_time = threading.RLock()

    def locked(self: BotocoreStubber, *args: Any, **kwargs: Any) -> Any:
        with one_at_a_time:
            return dispatch(self, *args, **kwargs)

    BotocoreStubber.__call__ = locked  # type: ignore[method-assign]


@pytest.fixture(scope="session", autouse=True)
def _one_botocore_loader_per_process() -> Iterator[None]:
    """Every botocore session loads the JSON models its clients need (endpoints, the service's
    shapes and rules: about 0.1 s a client, more on a busy machine), and tests make sessions all
    the time: each `client()` of leaddesk_local.provision, and LeadDesk's own after every
    `composition.reset()`. One loader for the process keeps what it loaded (as one session's
    loader does for its clients); a new client then costs a few tens of milliseconds."""
    import botocore.loaders
    import botocore.session

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", functools.cache(botocore.loaders.create_loader))
        yield


@pytest.fixture(scope="session")
def template() -> Template:
    return Template.load()


@pytest.fixture(scope="session")
def shared_deployment(template: Template) -> SharedDeployment:
    """The worker's one deployment in moto's in-process back ends (provisioned on first use)."""
    moto_patches.apply()  # moto as the local stack runs it: a Query reads its partition only
    return SharedDeployment(template)


@pytest.fixture
def partners() -> Iterator[Partners]:
    """Partner ids of this test alone; the helpers act for `partners.contoso` by default."""
    chosen = Partners()
    with acting_for(chosen.contoso):
        yield chosen


# What the functions called in this worker, when recording (`make iam-calls`).
_RECORDED_CALLS: dict[str, set[tuple[str, str]]] = {}


@pytest.fixture(scope="session")
def iam_guard(template: Template) -> Iterator[IamGuard]:
    """Every function's handler runs as that function, its AWS calls checked against its own
    role in template.yaml (leaddesk_local.iam) whenever a test has a `deployment`."""
    guard = IamGuard().install()
    put_back = act_as_functions(template, guard)
    yield guard
    put_back()
    if os.environ.get(RECORDING):
        save_worker_record(Path(os.environ[RECORDING]), _RECORDED_CALLS)


@pytest.fixture
def deployment(
    request: pytest.FixtureRequest,
    shared_deployment: SharedDeployment,
    partners: Partners,
    template: Template,
    iam_guard: IamGuard,
) -> Iterator[Deployment]:
    """Every resource of template.yaml in moto's in-process mock, and the functions' environment
    set: the worker's shared deployment, emptied of other tests' messages and mail, or with a
    table of the test's own under `@pytest.mark.fresh_deployment`. A call a function's role in
    the template does not allow fails the test, as AWS would refuse it."""
    fresh = request.node.get_closest_marker("fresh_deployment") is not None
    with shared_deployment.in_use(fresh_table=fresh) as deployed:
        composition.reset()
        iam_guard.use(iam.roles(template, deployed))
        try:
            yield deployed
        finally:
            iam_guard.use(None)
            composition.reset()
    denials, used = iam_guard.take_denials(), iam_guard.take_used()
    if denials and not request.node.get_closest_marker("iam_denials_expected"):
        pytest.fail("AWS would refuse these calls:\n" + "\n".join(f"  {denial}" for denial in denials))
    if os.environ.get(RECORDING):
        for function, calls in used.items():
            _RECORDED_CALLS.setdefault(function, set()).update(calls)
        return
    new_calls = unrecorded(used, load_record())
    if new_calls:
        pytest.fail(
            "calls missing from tests/template/iam_calls.json (review them and run `make iam-calls`):\n"
            + "\n".join(f"  {call}" for call in new_calls)
        )


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """`leaddesk up` as a newcomer runs it, on free ports, once per test session (per worker).
    Its schedules fire every second of wall time; failed messages come back after a second."""
    try:
        with running_stack(
            tmp_path_factory.mktemp("stack"),
            "--retry-delay",
            "1",
            environment={"LEADDESK_SCHEDULE_INTERVAL": "1"},
        ) as stack:
            yield RunningStack(**vars(stack))
    except StackDidNotStart as error:
        pytest.fail(str(error))


@pytest.fixture
def flaky_put_events(deployment: Deployment) -> Iterator[set[str]]:
    """PutEvents fails the entries whose detail names an event id in the set (ErrorCode
    InternalFailure, FailedEntryCount > 0) and really sends the others. Lead events carry the
    lead's producer event id, so one id makes every event of that lead fail."""
    from botocore.awsrequest import AWSResponse

    from leaddesk.adapters import aws

    failing: set[str] = set()
    honest = client("events", None)

    def partial(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if not failing:
            return None
        entries = json.loads(params["body"])["Entries"]  # the serialised request
        bad = [json.loads(e["Detail"]).get("event_id") in failing for e in entries]
        good = [e for e, is_bad in zip(entries, bad, strict=True) if not is_bad]
        sent = iter(honest.put_events(Entries=good)["Entries"] if good else [])
        answer = [
            {"ErrorCode": "InternalFailure", "ErrorMessage": "injected"} if is_bad else next(sent)
            for is_bad in bad
        ]
        return AWSResponse("https://events.us-east-1.amazonaws.com/", 200, {}, None), {
            "FailedEntryCount": sum(bad),
            "Entries": answer,
        }

    events = aws.events()
    events.meta.events.register_first("before-call.events.PutEvents", partial)
    yield failing
    events.meta.events.unregister("before-call.events.PutEvents", partial)
