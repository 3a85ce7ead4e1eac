"""Every asset, check, job and schedule of the project, one folder per domain.

Whatever runs the project's steps imports this package first (the code location, its run workers,
`execute_in_process` through `orchestration.definitions`), so the "warehouse" pool's slot is given
to one step at a time from here on: orchestration/pool_slots.py.
"""

from orchestration.pool_slots import claim_slots_strictly

claim_slots_strictly()
