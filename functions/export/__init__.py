"""Exports: the API that starts and follows them, and the worker that writes the files."""
