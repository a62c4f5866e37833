"""Helpers shared by the test modules (fixtures stay in conftest.py)."""
