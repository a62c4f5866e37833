"""`leaddesk up` in a child process, for the end-to-end tests and the benchmarks."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leaddesk_local.template import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StackDidNotStart(RuntimeError):
    pass


@dataclass
class StackProcess:
    process: subprocess.Popen[bytes]
    api_url: str
    endpoint_url: str
    state_path: Path
    log_path: Path

    @property
    def state(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.state_path.read_text())
        return loaded

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


@contextmanager
def running_stack(
    state_dir: Path, *options: str, environment: dict[str, str] | None = None, timeout: float = 120
) -> Iterator[StackProcess]:
    """Start a stack on free ports, wait for its ready line, and stop it afterwards."""
    api_port, aws_port = free_port(), free_port()
    state_path, log_path = state_dir / "local.json", state_dir / "stack.log"
    env = {
        **os.environ,
        "LEADDESK_LOCAL_STATE": str(state_path),
        "PYTHONUNBUFFERED": "1",
        **(environment or {}),
    }
    env.pop("AWS_ENDPOINT_URL", None)
    command = [sys.executable, "-m", "leaddesk_local.cli", "up", "--api-port", str(api_port)]
    command += ["--aws-port", str(aws_port), *options]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT)
    stack = StackProcess(
        process, f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{aws_port}", state_path, log_path
    )
    try:
        deadline = time.monotonic() + timeout
        while "ready" not in log_path.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise StackDidNotStart(
                    f"the local stack did not come up:\n{log_path.read_text(errors='replace')}"
                )
            time.sleep(0.2)
        yield stack
    finally:
        stack.stop()
