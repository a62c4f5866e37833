"""Runs every benchmark module in bench/ that has a `main()`, or the one named on the command line."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = str(Path(__file__).parent)
    available = sorted(m.name for m in pkgutil.iter_modules([here]) if not m.name.startswith("_"))
    if argv and argv[0] not in available:
        print(f"unknown benchmark {argv[0]!r}; available: {', '.join(available)}", file=sys.stderr)
        return 2
    names, options = (argv[:1], argv[1:]) if argv else (available, [])
    for name in names:
        print(f"== bench {name}", flush=True)
        importlib.import_module(f"bench.{name}").main(options)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
