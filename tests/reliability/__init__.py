"""Reliability tests: faults, kills, rebuild, concurrency, security (docs/reliability.md)."""
