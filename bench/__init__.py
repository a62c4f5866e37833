"""LeadDesk benchmarks (`make bench` / `python -m bench [name...]`); not part of `make test`."""
