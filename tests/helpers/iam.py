"""Every function of template.yaml checked against its own IAM role in the tests.

Each function's handler (the module attribute its `Handler` names) is replaced by one that runs
it as that function (`IamGuard.acting_as`): the AWS calls it makes, in its thread or its worker
threads, are checked against that function's role. A new function in the template is covered
without a change here.

The calls each function makes are kept in tests/template/iam_calls.json, a reviewed list like a
lock file: a test whose function makes a call the list lacks fails (`make iam-calls` records the
list anew from the integration tests), and the template test fails a role that grants anything
the list does not show its function doing."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from leaddesk_local.iam import IamGuard
from leaddesk_local.template import PROJECT_ROOT, Template


def act_as_functions(template: Template, guard: IamGuard) -> Callable[[], None]:
    """Wrap every function's handler; the returned callable puts the originals back."""
    restore: list[tuple[Any, str, Any]] = []
    for spec in template.functions():
        module_name, _, attribute = spec.handler.rpartition(".")
        module = importlib.import_module(module_name)
        original = getattr(module, attribute)

        def acting(
            event: Any, context: Any, _handler: Any = original, _function: str = spec.logical_id
        ) -> Any:
            with guard.acting_as(_function):
                return _handler(event, context)

        setattr(module, attribute, acting)
        restore.append((module, attribute, original))

    def put_back() -> None:
        for module, attribute, original in restore:
            setattr(module, attribute, original)

    return put_back


# --- the record of what each function calls --------------------------------------------------
RECORD_PATH = PROJECT_ROOT / "tests" / "template" / "iam_calls.json"
RECORDING = "LEADDESK_IAM_RECORD"  # a directory: record the calls the tests make instead of checking


def entry(action: str, resource: str) -> str:
    return f"{action} on {resource}"


def load_record(path: Path = RECORD_PATH) -> dict[str, set[str]]:
    """Per function, the calls (`action on resource`) the integration tests saw it make."""
    if not path.exists():
        return {}
    document: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
    return {function: set(entries) for function, entries in document.items()}


def unrecorded(used: dict[str, set[tuple[str, str]]], record: dict[str, set[str]]) -> list[str]:
    """The calls made that the record does not hold, as `Function: action on resource`."""
    return sorted(
        f"{function}: {entry(action, resource)}"
        for function, calls in used.items()
        for action, resource in calls
        if entry(action, resource) not in record.get(function, set())
    )


def save_worker_record(directory: Path, used: dict[str, set[tuple[str, str]]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    name = os.environ.get("PYTEST_XDIST_WORKER", "main")
    document = {function: sorted(entry(a, r) for a, r in calls) for function, calls in used.items()}
    (directory / f"{name}.json").write_text(json.dumps(document, indent=1), encoding="utf-8")


def write_record(directory: Path, path: Path = RECORD_PATH) -> dict[str, list[str]]:
    """Merge the workers' records of a recording run into the record file."""
    merged: dict[str, set[str]] = {}
    for worker in sorted(directory.glob("*.json")):
        for function, entries in json.loads(worker.read_text(encoding="utf-8")).items():
            merged.setdefault(function, set()).update(entries)
    document = {function: sorted(merged[function]) for function in sorted(merged)}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return document


if __name__ == "__main__":  # make iam-calls
    written = write_record(Path(sys.argv[1]))
    calls = sum(map(len, written.values()))
    print(f"{RECORD_PATH.relative_to(PROJECT_ROOT)}: {calls} calls of {len(written)} functions")
