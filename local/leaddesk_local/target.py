"""Where the `leaddesk` command sends its requests: the local stack's moto server, or AWS."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from leaddesk_local.template import PROJECT_ROOT

STATE_PATH = Path(os.environ.get("LEADDESK_LOCAL_STATE", PROJECT_ROOT / ".leaddesk" / "local.json"))


class CliError(Exception):
    """A problem the user can fix; printed without a traceback, with what to do next."""


class Target:
    """Where commands send their requests: the local stack's moto server, or AWS."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.aws = bool(getattr(args, "aws", False))
        self.stack_name = getattr(args, "stack_name", "leaddesk")
        self._state: dict[str, Any] | None = None

    def state(self) -> dict[str, Any]:
        if self._state is None:
            if not STATE_PATH.exists():
                raise CliError(
                    f"no local stack found ({STATE_PATH} is missing). Start one with `make run` "
                    "(or `leaddesk up`), or pass --aws to use a deployed stack."
                )
            self._state = json.loads(STATE_PATH.read_text(encoding="utf-8"))
        return self._state

    def client(self, service: str) -> Any:
        import boto3

        if self.aws:
            return boto3.client(service)  # type: ignore[call-overload]
        from leaddesk_local.provision import client

        return client(service, self.state()["endpoint_url"])

    def output(self, name: str) -> str:
        if not self.aws:
            value: str = self.state()["outputs"][name]
            return value
        stacks = self.client("cloudformation").describe_stacks(StackName=self.stack_name)["Stacks"]
        for output in stacks[0].get("Outputs", []):
            if output["OutputKey"] == name:
                found: str = output["OutputValue"]
                return found
        raise CliError(f"stack {self.stack_name} has no output {name}; is it deployed from this template?")
