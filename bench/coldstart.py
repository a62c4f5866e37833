"""Cold import time of each Lambda handler module, in fresh processes, as a ratio to `import boto3`.

Each sample is a new interpreter with the Lambda import paths (shared/ and functions/) that
imports one module and reports how long the import took; the median of N samples is shown.
`import boto3` — which every handler needs anyway — is the baseline measured in the same run.

    python -m bench coldstart [--samples 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

from leaddesk_local.template import PROJECT_ROOT, Template

_PROBE = (
    "import sys, time; sys.path[:0] = {paths!r}; t = time.perf_counter(); import {module}; "
    "print((time.perf_counter() - t) * 1000)"
)


def import_ms(module: str, samples: int) -> float:
    paths = [str(PROJECT_ROOT / "functions"), str(PROJECT_ROOT / "shared")]
    timings = []
    for _ in range(samples):
        out = subprocess.run(
            [sys.executable, "-X", "frozen_modules=on", "-c", _PROBE.format(paths=paths, module=module)],
            capture_output=True,
            text=True,
            check=True,
            env={"TABLE_NAME": "t", "EVENT_BUS_NAME": "b", "AWS_DEFAULT_REGION": "us-east-1", "PATH": ""},
        )
        timings.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench coldstart")
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args(argv)
    modules = sorted({spec.handler.rpartition(".")[0] for spec in Template.load().functions()})
    print(f"cold import, median of {args.samples} fresh processes (Python {sys.version.split()[0]})")
    baseline = import_ms("boto3", args.samples)
    print(f"  {'boto3 (baseline)':<28} {baseline:7.1f} ms   1.00x")
    for module in modules:
        took = import_ms(module, args.samples)
        print(f"  {module:<28} {took:7.1f} ms   {took / baseline:4.2f}x boto3", flush=True)


if __name__ == "__main__":
    main()
