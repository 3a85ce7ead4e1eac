"""A recorded catalogue of hostile Hub records, and the whole pipeline run over it once."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from simulated_hub.recorded import RecordedCatalog
from tests.reliability.runs import DAY, JobProcess, RecordingHub, listening_addresses, pipeline_env, start_job

HOSTILE_TAGS = [
    "../../../../etc",
    "<img src=x onerror=alert(1)>|**bold**](javascript:alert(1))",
    "x'); drop table raw.hub_listing_runs; --",
    "/" + "very-long/" * 29 + "\x00nul",
]
HOSTILE_IDS = ["org/../../etc", "org/nul\x00byte", "org/" + "x" * 300, "../../../../tmp/escaped"]


def hostile_catalogue() -> list[dict]:
    """Records as the Hub would serve them, the most downloaded ones carrying hostile strings."""
    records = []
    created = datetime(2024, 6, 1, tzinfo=UTC)
    for i in range(800):
        day = created + timedelta(hours=5 * i)
        params = 10**8 * (1 + i % 150)
        record = {
            "_id": f"{int(day.timestamp()):08x}{i:016x}",
            "id": f"org-{i % 17}/model-{i}",
            "author": f"org-{i % 17}",
            "createdAt": day.isoformat().replace("+00:00", ".000Z"),
            "lastModified": day.isoformat().replace("+00:00", ".000Z"),
            "downloads": 10_000_000 - 7_000 * i,
            "downloadsAllTime": 20_000_000 - 7_000 * i,
            "likes": 800 - i,
            "trendingScore": i % 9,
            "pipeline_tag": HOSTILE_TAGS[i % 4] if i % 5 else "text-generation",
            "library_name": "transformers",
            "tags": ["transformers", "text-generation", HOSTILE_TAGS[i % 4], "region:us"],
            "safetensors": {"parameters": {"BF16": params}, "total": params},
            "gated": False,
            "private": False,
        }
        if i < len(HOSTILE_IDS):
            record["id"] = HOSTILE_IDS[i]
        records.append(record)
    return records


def all_files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file() or path.is_symlink()}


@dataclass
class HostileRun:
    """The real pipeline over the hostile catalogue in a sandbox, started in the background."""

    sandbox: Path
    warehouse: Path
    hub: RecordingHub
    job: JobProcess
    before: set[Path]
    written: set[Path] = field(default_factory=set)
    output: str = ""
    hub_address: tuple[str, int] = ("", 0)
    hub_listening: set[str] = field(default_factory=set)
    _done: bool = False

    @classmethod
    def start(cls, base: Path) -> "HostileRun":
        sandbox = base / "sandbox"
        sandbox.mkdir()
        # Deep enough that four `../` from anywhere in the warehouse still land inside the sandbox.
        warehouse = sandbox / "a" / "b" / "c" / "d" / "warehouse"
        hub = RecordingHub(RecordedCatalog(hostile_catalogue(), DAY), page_size_cap=1000)
        hub.start()
        env = pipeline_env(hub.endpoint_template, warehouse)
        env["SLM_OBS_N_TAGS"] = str(len(HOSTILE_TAGS) + 1)
        before = all_files(sandbox)
        job = start_job(env, DAY, DAY, base / "logs", "hostile")
        return cls(sandbox, warehouse, hub, job, before)

    def completed(self) -> "HostileRun":
        if not self._done:
            try:
                code = self.job.wait()
                self.hub_address = self.hub.address
                self.hub_listening = listening_addresses(self.hub_address[1])
            finally:
                self.hub.stop()
            self.output = self.job.output()
            assert code == 0, f"the hostile run failed ({code}):\n{self.output[-5000:]}"
            self.written = all_files(self.sandbox) - self.before
            self._done = True
        return self

    def stop(self) -> None:
        if self.job.process.poll() is None:
            self.job.kill()
        self.hub.stop()
