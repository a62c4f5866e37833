"""Runs every benchmark module of this package that has a `main()`, or the ones named.

python -m bench            # all of them
python -m bench ingest     # only bench/ingest.py
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def discover() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not info.name.startswith("_")
    )


def run(argv: list[str]) -> int:
    available = discover()
    wanted = argv or available
    unknown = [name for name in wanted if name not in available]
    if unknown:
        print(
            f"bench: no benchmark named {', '.join(unknown)}; available: {', '.join(available)}",
            file=sys.stderr,
        )
        return 2
    for name in wanted:
        module = importlib.import_module(f"bench.{name}")
        main = getattr(module, "main", None)
        if main is None:
            continue
        print(f"=== bench.{name} ===", flush=True)
        main()
    return 0


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
