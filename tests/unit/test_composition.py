"""The composition root forgets everything it built when tests switch AWS back ends."""

from __future__ import annotations

import inspect

from leaddesk import composition


def test_reset_clears_every_cached_builder() -> None:
    cached = {
        name
        for name, member in inspect.getmembers(composition)
        if callable(member) and hasattr(member, "cache_clear") and member.__module__ == composition.__name__
    }
    assert cached  # the builders are `functools.cache`d functions of the module
    assert cached == {builder.__name__ for builder in composition.BUILDERS}
