"""The simulated Hugging Face Hub: a local HTTP server speaking the Hub's `/api/models` API.

- `world.SyntheticWorld(WorldConfig())`: a deterministic synthetic Hub with a clock and ground truth.
- `recorded.RecordedCatalog.from_file(path)`: a recorded real listing, served verbatim.
- `server.SimulatedHub(catalog, ...)`: the HTTP server (127.0.0.1, free port), used as a context
  manager; `faults.FaultPlan` makes it misbehave deterministically.
- `python -m simulated_hub serve`: the same, from the command line.
"""
