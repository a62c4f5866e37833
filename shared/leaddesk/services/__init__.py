"""Use cases that join the pure domain to the AWS adapters."""
