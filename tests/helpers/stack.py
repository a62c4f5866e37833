"""A local stack in a child process, as the end-to-end tests drive it."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from leaddesk_local.process import StackProcess
from leaddesk_local.provision import client


class RunningStack(StackProcess):
    def client(self, service: str) -> Any:
        return client(service, self.endpoint_url)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "leaddesk_local.cli", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "LEADDESK_LOCAL_STATE": str(self.state_path)},
            check=False,
        )


def token(stack: RunningStack, partner: str, role: str = "referrals_admin") -> str:
    result = stack.cli("token", "--partner", partner, "--role", role)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()
