"""Cold start of each Lambda handler, in fresh processes, as a ratio to the floor every one pays.

The floor is what any LeadDesk handler needs before its own code: `import boto3`, Powertools and
its HTTP resolver, measured in the same run. For each function of template.yaml, a fresh
interpreter with Lambda's import paths and that function's own environment (from the template)
imports the handler module, then builds the services its first invocation builds (through the
composition root, as the handler does). Medians of N processes, each of the function's processes
run right after one of the floor's (a shared machine's load then weighs on both alike).
`LAMBDA_TASK_ROOT` is set as Lambda sets it, so the handlers trace as they do in Lambda: the
first invocation pays for the Tracer. The probe stops before the first AWS request (its
serialisation, signing and parsing), for every function alike.

    python -m bench coldstart [--samples 10] [--clock wall|cpu] [--function LogicalId ...] [--python PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from leaddesk_local.provision import Deployment
from leaddesk_local.template import PROJECT_ROOT, Template, resolve

FLOOR = "import boto3, aws_lambda_powertools; from aws_lambda_powertools.event_handler import APIGatewayHttpResolver"
_PROBE = """
import sys, time
sys.path[:0] = {paths!r}
clock = time.{clock}
started = clock()
{imports}
imported = clock()
{first_call}
built = clock()
print((imported - started) * 1000, (built - started) * 1000)
"""
# Wall time is what a cold start costs; CPU time of the process is the same work less the waits
# for the other processes of a busy machine (imports and client building hardly wait for I/O once
# the files are in the page cache), so it compares runs made at different loads.
CLOCKS = {"wall": "perf_counter", "cpu": "process_time"}
# What each function's first invocation builds (the composition root caches it for the next).
# Clients are built on first use, so each line also builds the clients that invocation uses
# (`.meta` asks a client for something): what its first invocation pays, not less.
# Every traced handler's first invocation builds the Tracer (leaddesk.tracing), in Lambda, and
# each queue-fed one its queue consumer (composition.*_queue) before its service.
FIRST_TRACE = "from leaddesk import tracing; tracing.tracing_enabled() and tracing.tracer(); "
FIRST_CALL = {
    "IngestFunction": (
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "import leaddesk.services.ingest; composition.ingest_queue(); composition.ingest_service(); "
        "aws.dynamodb().meta; aws.events().meta"
    ),
    "LifecycleApiFunction": (
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.leads_service(); aws.dynamodb().meta"
    ),
    "LifecycleSweepFunction": (
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.sweep_service(); aws.dynamodb().meta"
    ),
    "EventRepublishFunction": (
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.republish_queue(); composition.republish_service(); aws.events().meta"
    ),
    "ExportApiFunction": (  # POST /exports: the job, the counters, the queue
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.exports_service(); aws.dynamodb().meta; aws.sqs().meta"
    ),
    "ExportWorkerFunction": (
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.export_worker(); composition.export_queue(); aws.dynamodb().meta; aws.s3().meta"
    ),
    "NotifyFunction": (
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.notify_queue(); composition.notify_service(); aws.dynamodb().meta; aws.sesv2().meta"
    ),
    "NotifyDigestFunction": (
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.digest_service(); aws.dynamodb().meta"
    ),
    "NotificationsApiFunction": (
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.action_center_service(); aws.dynamodb().meta"
    ),
    "MailFeedbackFunction": (
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.feedback_queue(); composition.feedback_service(); aws.dynamodb().meta"
    ),
    "WebhooksApiFunction": (  # GET /webhooks: the partner's endpoints
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.webhooks_service(); aws.dynamodb().meta"
    ),
    "WebhookDispatchFunction": (  # the lead and the endpoints read, the delivery put, its attempt queued
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.webhook_events_queue(); composition.webhook_dispatcher(); "
        "aws.dynamodb().meta; aws.sqs().meta"
    ),
    "WebhookDeliveryFunction": (  # the delivery read, the secrets decrypted, the result written
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.webhook_attempts_queue(); composition.webhook_deliverer(); "
        "aws.dynamodb().meta; aws.kms().meta"
    ),
    "WebhookRetryFunction": (  # the due index read (a queue only when something is due)
        "from leaddesk import composition; from leaddesk.adapters import aws; "
        "composition.webhook_retry_sweep(); aws.dynamodb().meta"
    ),
}


class Probe:
    """Runs probe processes: one interpreter, one clock, Lambda's import paths."""

    def __init__(self, clock: str, python: str) -> None:
        self.clock, self.python = clock, python

    def once(self, imports: str, first_call: str, environment: dict[str, str]) -> tuple[float, float]:
        """(import ms, import + first services ms) of one fresh process."""
        paths = [str(PROJECT_ROOT / "functions"), str(PROJECT_ROOT / "shared")]
        code = _PROBE.format(
            paths=paths, imports=imports, first_call=first_call or "pass", clock=CLOCKS[self.clock]
        )
        env = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "us-east-1", **environment}
        env |= {"AWS_ACCESS_KEY_ID": "cold", "AWS_SECRET_ACCESS_KEY": "cold"}
        out = subprocess.run([self.python, "-c", code], capture_output=True, text=True, check=True, env=env)
        imported, built = (float(x) for x in out.stdout.split())
        return imported, built

    def paired(
        self, imports: str, first_call: str, environment: dict[str, str], samples: int
    ) -> tuple[float, float, float]:
        """(floor, import, import + first services) ms, medians of `samples` processes each, a
        floor process before each of the function's: the ratios compare processes run moments
        apart, so a load that changes during the run (a shared machine) moves both alike."""
        floors, imported, built = [], [], []
        for _ in range(samples):
            floors.append(self.once(FLOOR, "", {})[0])
            first, second = self.once(imports, first_call, environment)
            imported.append(first)
            built.append(second)
        return statistics.median(floors), statistics.median(imported), statistics.median(built)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench coldstart")
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument(
        "--clock", choices=sorted(CLOCKS), default="wall", help="wall time, or the process's CPU time"
    )
    parser.add_argument("--function", action="append", help="only this function (logical id; repeatable)")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter of the probes (one with the layer's requirements, e.g. Lambda's 3.13)",
    )
    args = parser.parse_args(argv)
    template = Template.load()
    lookup = Deployment(stack_name="cold", endpoint_url=None).lookup
    probe = Probe(args.clock, args.python)
    version = subprocess.run(
        [args.python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"cold start, {args.clock} time, median of {args.samples} fresh processes (Python {version})")
    print("  floor: boto3 + Powertools + resolver, measured alternately with each function's processes")
    print(
        f"  {'function':<24}{'floor':>10}{'import':>11}{'÷ floor':>9}{'+ first services':>19}{'÷ floor':>9}"
    )
    worst_import = worst_built = 0.0
    floors: list[float] = []
    for spec in template.functions():
        if args.function and spec.logical_id not in args.function:
            continue
        environment = {k: str(v) for k, v in resolve(spec.environment, lookup, template.parameters).items()}
        environment["LAMBDA_TASK_ROOT"] = str(PROJECT_ROOT / spec.code_uri)  # in Lambda: tracing on
        module = spec.handler.rpartition(".")[0]
        if spec.logical_id not in FIRST_CALL:
            raise SystemExit(
                f"bench/coldstart.py: say what {spec.logical_id}'s first invocation builds (FIRST_CALL)"
            )
        floor, imported, built = probe.paired(
            f"import {module}", FIRST_TRACE + FIRST_CALL[spec.logical_id], environment, args.samples
        )
        floors.append(floor)
        worst_import, worst_built = max(worst_import, imported / floor), max(worst_built, built / floor)
        print(
            f"  {spec.logical_id:<24}{floor:7.1f} ms{imported:8.1f} ms{imported / floor:8.2f}"
            f"{built:14.1f} ms{built / floor:9.2f}",
            flush=True,
        )
    if floors:
        print(f"  floor: median of the rows' floors {statistics.median(floors):.1f} ms")
    print(
        f"  targets: import ≤ 1.3 × floor ({'met' if worst_import <= 1.3 else 'MISSED'}, worst {worst_import:.2f}); "
        f"import + first services ≤ 1.6 × floor ({'met' if worst_built <= 1.6 else 'MISSED'}, worst {worst_built:.2f})"
    )


if __name__ == "__main__":
    main()
