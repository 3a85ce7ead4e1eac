"""The Dockerfile and its build context, checked against the repository (no Docker engine here)."""

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.deploy.conftest import VENV_BIN

DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
# Folders never walked (too large); what they hold is checked through sample paths instead.
UNWALKED = {".git", ".venv", "warehouse", "node_modules", ".ruff_cache", ".pytest_cache"}


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        result.append((keyword.upper(), arguments.strip()))
        pending = ""
    return result


def arguments_of(keyword: str) -> list[str]:
    return [arguments for found, arguments in instructions() if found == keyword]


def env_of_image() -> dict[str, str]:
    env: dict[str, str] = {}
    for arguments in arguments_of("ENV"):
        for item in shlex.split(arguments):
            name, _, value = item.partition("=")
            env[name] = value
    return env


def _pattern_regex(pattern: str) -> re.Pattern:
    parts = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif pattern[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            parts.append("[^/]")
            i += 1
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(parts))


def dockerignore_rules() -> list[tuple[bool, re.Pattern]]:
    """(is_exception, regex) per line of .dockerignore, as Docker reads them."""
    rules = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        rules.append((exception, _pattern_regex(pattern)))
    return rules


def in_build_context(path: str, rules=None) -> bool:
    """Docker's rule: the last pattern matching the path, or one of its parent folders, decides."""
    parents = path.split("/")
    candidates = ["/".join(parents[: i + 1]) for i in range(len(parents))]
    included = True
    for exception, regex in rules or dockerignore_rules():
        if any(regex.fullmatch(candidate) for candidate in candidates):
            included = exception
    return included


def build_context() -> set[str]:
    rules = dockerignore_rules()
    files = set()
    for root, dirs, names in os.walk(REPO_ROOT):
        if Path(root) == REPO_ROOT:
            dirs[:] = [d for d in dirs if d not in UNWALKED]
        for name in names:
            relative = (Path(root) / name).relative_to(REPO_ROOT).as_posix()
            if in_build_context(relative, rules):
                files.add(relative)
    return files


def makefile_uv_version() -> str:
    match = re.search(r"^UV_VERSION\s*:?=\s*(\S+)", (REPO_ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, "the Makefile names no UV_VERSION"
    return match.group(1)


def test_base_image_and_python_match_the_project():
    (base,) = arguments_of("FROM")
    assert base == "python:3.11-slim"
    assert 'requires-python = ">=3.11,<3.12"' in (REPO_ROOT / "pyproject.toml").read_text()


def test_uv_is_the_makefiles_pinned_version_and_installs_the_lock_without_dev_tools():
    assert f"UV_VERSION={makefile_uv_version()}" in arguments_of("ARG")
    runs = arguments_of("RUN")
    assert any('pip install --no-cache-dir "uv==${UV_VERSION}"' in run for run in runs)
    syncs = [run for run in runs if "uv sync" in run]
    assert syncs and all("uv sync --frozen --no-dev" in run for run in syncs)


def test_the_image_runs_as_a_non_root_user_with_the_deployment_paths():
    users = arguments_of("USER")
    assert users and users[-1].split(":")[0] not in ("root", "0")
    env = env_of_image()
    assert env["DAGSTER_HOME"] == "/opt/dagster/dagster_home"
    assert env["SLM_OBS_WAREHOUSE_DIR"] == "/data/warehouse"
    assert env["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "false"
    copies = arguments_of("COPY")
    assert "deploy/dagster.yaml deploy/workspace.yaml /opt/dagster/dagster_home/" in copies
    assert "orchestration/ orchestration/" in copies
    assert "dbt_project/ dbt_project/" in copies


def test_the_build_context_holds_what_the_dockerfile_copies_and_nothing_private():
    context = build_context()
    for arguments in arguments_of("COPY"):
        *sources, _destination = arguments.split()
        for source in sources:
            source = source.rstrip("/")
            assert (REPO_ROOT / source).exists(), source
            assert any(f == source or f.startswith(source + "/") for f in context), source
    assert {"pyproject.toml", "uv.lock", "README.md", "orchestration/definitions.py"} <= context
    private = [
        ".env",
        "orchestration/.env",
        ".venv/bin/python",
        ".git/config",
        "warehouse/observatory.duckdb",
        "warehouse/demo/dagster_home/dagster.yaml",
        ".dagster_home/dagster.yaml",
        "dbt_project/target/manifest.json",
        "dbt_project/logs/dbt.log",
        "orchestration/__pycache__/dev.cpython-311.pyc",
        "tests/conftest.py",
        "docker-compose.yml",
    ]
    assert [path for path in private if in_build_context(path)] == []
    # Of docs/, only the report's method section, which the report renders.
    assert [path for path in context if path.startswith("docs/")] == ["docs/method.md"]
    assert not [path for path in context if path.startswith(("tests/", ".ci/", "bench/"))]
    # The simulated Hub is a test and demo instrument beside the product, never in its image.
    assert (REPO_ROOT / "simulated_hub" / "world.py").exists()
    assert not [path for path in context if path.startswith("simulated_hub/")]


def test_the_production_code_location_loads_without_the_simulated_hub(tmp_path):
    """What the image holds is enough: the Definitions load with the simulated Hub unimportable."""
    script = (
        "import sys\n"
        "sys.modules['simulated_hub'] = None  # any import of it raises ImportError\n"
        "from orchestration.definitions import defs\n"
        "assert defs().resolve_job_def('daily_snapshot')\n"
        "import orchestration.dev, orchestration.sql_shell, orchestration.rebuild\n"
        "print('loaded')\n"
    )
    env = {**os.environ, "SLM_OBS_WAREHOUSE_DIR": str(tmp_path), "DAGSTER_HOME": str(tmp_path)}
    loaded = subprocess.run(
        [str(VENV_BIN / "python"), "-c", script],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert loaded.stdout.strip().endswith("loaded")


def test_the_dbt_parse_step_runs_as_written(tmp_path):
    if not (REPO_ROOT / "dbt_project" / "dbt_project.yml").exists():
        pytest.fail("dbt_project/dbt_project.yml is missing: the image's `dbt parse` step would fail")
    (step,) = [run for run in arguments_of("RUN") if "dbt parse" in run]
    # The build context's dbt_project/, as the image's WORKDIR holds it at that step.
    workdir = tmp_path / "app"
    shutil.copytree(
        REPO_ROOT / "dbt_project",
        workdir / "dbt_project",
        ignore=lambda folder, names: (
            [n for n in names if not in_build_context(f"dbt_project/{n}")]
            if Path(folder) == REPO_ROOT / "dbt_project"
            else []
        ),
    )
    env = {**os.environ, **{k: v for k, v in env_of_image().items() if k != "PATH"}}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"
    env["TMPDIR"] = str(tmp_path)  # where the step's scratch warehouse goes, so we can look
    result = subprocess.run(
        ["/bin/sh", "-c", step],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (workdir / "dbt_project" / "target" / "manifest.json").is_file()
    assert not (workdir / "dbt_project" / "logs").exists()
    assert list(tmp_path.rglob("*.duckdb")) == []
