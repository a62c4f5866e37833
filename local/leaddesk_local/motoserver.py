"""moto in server mode, with DynamoDB's item-level atomicity restored, in its own process.

The local stack runs this server as a child process (`python -m leaddesk_local.motoserver`):
the handlers and moto then each have a core, as Lambda and AWS would, instead of sharing one
interpreter lock. Tests that race writers start it in-process (`AtomicMotoServer`).

moto checks a write's ConditionExpression and then applies it attribute by attribute without a
lock, so two concurrent conditional writes to one item can both pass their check, a cancelled
transaction can restore an old copy of the table over another request's writes, and a
concurrent read can see an item half-updated (new status, old version). DynamoDB allows none
of this. This server runs DynamoDB writes one at a time and never alongside a read (reads
still run alongside each other), which is what makes races between LeadDesk's own
read → decide → conditional write steps resolve locally the way they resolve on AWS.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from leaddesk_local.presigned import PresignedLinks

_WRITES = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem", "ExecuteStatement"}
)
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ReadWriteLock:
    """Many readers or one writer; a waiting writer goes before newly arriving readers."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._changed:
                self._readers -= 1
                self._changed.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._changed:
            self._writers_waiting += 1
            self._changed.wait_for(lambda: not self._writing and not self._readers)
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._changed:
                self._writing = False
                self._changed.notify_all()


class AtomicWrites:
    """WSGI middleware: DynamoDB writes exclusive, DynamoDB reads shared."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = ReadWriteLock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if not target.startswith("DynamoDB_"):
            return self._app(environ, start_response)
        guard = self._lock.writing if target.rsplit(".", 1)[-1] in _WRITES else self._lock.reading
        with guard():
            return list(self._app(environ, start_response))  # the response is built under the lock


class AtomicMotoServer(ThreadedMotoServer):
    """The local stack's moto server: atomic DynamoDB writes, and moto patched to hold volume."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from leaddesk_local import moto_patches

        moto_patches.apply()
        super().__init__(*args, **kwargs)

    def _server_entry(self) -> None:
        from leaddesk_local.inbox import InboxEndpoint

        app = InboxEndpoint(PresignedLinks(AtomicWrites(DomainDispatcherApplication(create_backend_app))))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


class MotoProcess:
    """The local stack's moto server, as a child process."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, timeout: float = 30) -> None:
        command = [
            sys.executable,
            "-m",
            "leaddesk_local.motoserver",
            "--host",
            self.host,
            "--port",
            str(self.port),
        ]
        # Its own session: a Ctrl-C at the terminal reaches the stack only, which stops moto last
        # (after its functions' last calls), with SIGTERM.
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the moto server exited at start (code {self._process.returncode})")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"the moto server did not listen on {self.host}:{self.port} within {timeout:.0f}s")

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)


def serve(host: str, port: int) -> None:
    """Serve until SIGTERM or SIGINT: the patched moto, DynamoDB writes atomic, on waitress.

    waitress keeps HTTP/1.1 connections alive and serves from a pool of threads; werkzeug's
    development server (moto's own) closes every connection and starts a thread per request,
    which took a fifth of the server's time under the local stack's load.
    """
    from waitress.server import create_server

    from leaddesk_local import moto_patches
    from leaddesk_local.inbox import InboxEndpoint

    moto_patches.apply()
    # The local inbox (`leaddesk mail list`) reads SES's sent messages here, in moto's process.
    # Presigned S3 links are checked as S3 checks them (signature, expiry): leaddesk_local.presigned.
    app = InboxEndpoint(PresignedLinks(AtomicWrites(DomainDispatcherApplication(create_backend_app))))
    # Long polls (ReceiveMessage waits up to 20 s) each hold a thread: the stack's SQS pollers
    # alone (one per function instance, 24 with the template's sources) held most of 32, and the
    # functions' own requests queued behind them (waitress's "Task queue depth" warnings).
    server = create_server(app, host=host, port=port, threads=96, channel_timeout=60, ident="moto")
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: _leave_now())
    threading.Thread(target=_leave_with_the_stack, args=(os.getppid(),), daemon=True).start()
    server.run()


def _leave_with_the_stack(stack_pid: int) -> None:
    """In a session of its own, moto would outlive a stack that was killed: it leaves then too."""
    while os.getppid() == stack_pid:
        time.sleep(1)
    _leave_now()


def _leave_now() -> None:
    """Everything moto holds lives only in this process: end it at once. Closing waitress first
    pulled the sockets from under its worker threads mid-request (a "Bad file descriptor"
    traceback each), and freeing 100,000 leads object by object took seconds."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(prog="python -m leaddesk_local.motoserver")
    options.add_argument("--host", default="127.0.0.1")
    options.add_argument("--port", type=int, default=5000)
    arguments = options.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    serve(arguments.host, arguments.port)
    _leave_now()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
