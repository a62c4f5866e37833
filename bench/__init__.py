"""LeadDesk benchmarks (not part of `make test`).

`python -m bench` runs them all, `python -m bench api` one.
"""
