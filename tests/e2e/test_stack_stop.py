"""Stopping the local stack under load: within 5 seconds, without a traceback, moto gone too."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from leaddesk_local.lambda_events import bus_entry
from leaddesk_local.process import running_stack
from leaddesk_local.provision import client
from leaddesk_local.template import PROJECT_ROOT
from tests.helpers.stack import RunningStack, token

pytestmark = pytest.mark.e2e


def load(stack: RunningStack, stop: threading.Event, producer: int) -> None:
    """Inbound events, ten a request, as fast as the bus takes them."""
    events = client("events", stack.endpoint_url)
    bus = stack.state["outputs"]["EventBusName"]
    sample = json.loads((PROJECT_ROOT / "events" / "new_lead.json").read_text())
    sent = 0
    while not stop.is_set():
        entries = []
        for _ in range(10):
            sent += 1
            sample["detail"]["event_id"] = f"stop-{producer}-{sent}"
            sample["detail"]["UserDetails"]["Email"] = f"stop{producer}x{sent}@adventure-works.es"
            entries.append(bus_entry(sample) | {"EventBusName": bus})
        try:
            events.put_events(Entries=entries)
        except Exception:  # the stack is stopping under us: that is the point
            return


def browse(stack: RunningStack, bearer: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            httpx.get(f"{stack.api_url}/leads", headers={"Authorization": f"Bearer {bearer}"}, timeout=5)
        except httpx.HTTPError:
            return


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_stack_stops_within_5_seconds_under_load_without_a_traceback(tmp_path: Path, signum: int) -> None:
    with running_stack(tmp_path, "--no-samples") as started:
        stack = RunningStack(**vars(started))
        bearer = token(stack, "p-contoso")
        moto_pid = int(stack.state["moto_pid"])
        stop = threading.Event()
        workers = [threading.Thread(target=load, args=(stack, stop, n), daemon=True) for n in range(2)]
        workers += [
            threading.Thread(target=browse, args=(stack, bearer, stop), daemon=True) for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        time.sleep(6)  # the functions busy: ingest batches, notifications, API reads
        sent_at = time.monotonic()
        stack.process.send_signal(signum)
        try:
            stack.process.wait(timeout=30)
        finally:
            took = time.monotonic() - sent_at
            stop.set()
        log = stack.log_path.read_text(errors="replace")
    assert took < 5, f"stopped in {took:.1f} s"
    assert stack.process.returncode == 0
    assert "Traceback" not in log and "Bad file descriptor" not in log, log[log.find("Stopping") :]
    assert "Stopped; the local state is gone." in log
    with pytest.raises(ProcessLookupError):
        os.kill(moto_pid, 0)
    assert not stack.state_path.exists()
