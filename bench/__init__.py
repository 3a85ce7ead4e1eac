"""`make bench`: the performance benchmarks of SLM Observatory, run against the simulated Hub.

Run `python -m bench` (or `python -m bench --quick`); results go to `bench/results.json` and
`bench/results.md`. Each benchmark is a module named after what it measures (`b1_snapshot_cost`,
`b2_daily_cost`, `b3_census`, `b4_storage`); `run` chains them.
"""
