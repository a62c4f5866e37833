"""`python -m bench [name...]`: run every bench/<name>.py module's main(), or only the named ones."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    available = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))
    chosen = argv or available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; available: {', '.join(available)}", file=sys.stderr)
        return 2
    for name in chosen:
        print(f"=== bench {name} ===", flush=True)
        result = importlib.import_module(f"bench.{name}").main()
        if result:
            return int(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
