"""Fixtures for the deployment tests: a real PostgreSQL server and child processes that always stop.

The PostgreSQL server comes from Debian's package (`apt-get install -y postgresql`): `initdb` and
`postgres` are run directly, on a free loopback port and a temporary data directory, as the
`postgres` user when the tests run as root (the server refuses to run as root).
"""

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from tests.conftest import REPO_ROOT, environment_missing, free_port

DEPLOY_DIR = REPO_ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
INSTALL_HINT = "install PostgreSQL's server: `apt-get install -y postgresql` (as root)"


def stop_process(process: subprocess.Popen, first_signal: int = signal.SIGTERM, timeout: float = 20) -> None:
    """Stop a child started with `start_new_session=True`, then anything left in its process group."""
    try:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, first_signal)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
    finally:
        # Grandchildren (a code server's gRPC server, a run worker) share the group: leave none.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def running(
    argv: Sequence[str],
    log_path: Path,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
    stop_signal: int = signal.SIGTERM,
) -> Iterator[subprocess.Popen]:
    """Run `argv` in its own session for the block, output to `log_path`; always stopped after."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
            user=user,
            group=pwd.getpwnam(user).pw_gid if user else None,
            extra_groups=[] if user else None,
        )
        try:
            yield process
        finally:
            stop_process(process, stop_signal)


def wait_until(
    check,
    timeout: float,
    what: str,
    process: subprocess.Popen | None = None,
    log: Path | None = None,
    interval: float = 0.25,
):
    """Poll `check()` until it returns a true value; fail early if `process` exits."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if process is not None and process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log else ""
            pytest.fail(f"{what}: the process exited with {process.returncode}\n{tail}")
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log else ""
            pytest.fail(f"{what}: not within {timeout:.0f} s\n{tail}")
        time.sleep(interval)


def postgres_bindir() -> Path | None:
    """The directory holding `initdb` and `postgres`: Debian's newest, else whatever is on PATH."""
    candidates = [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb")).resolve().parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "postgres").is_file():
            return bindir
    return None


@dataclass
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    log_path: Path

    def connect(self, dbname: str = "postgres"):
        return psycopg2.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=dbname,
            connect_timeout=2,
        )

    def create_database(self, name: str) -> str:
        conn = self.connect()
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return name

    def query(self, dbname: str, sql: str, params: Sequence | None = None) -> list[tuple]:
        conn = self.connect(dbname)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        finally:
            conn.close()

    def dagster_env(self, dbname: str) -> dict[str, str]:
        """The variables deploy/dagster.yaml reads, as docker-compose.yml sets them for its services."""
        return {
            "DAGSTER_POSTGRES_HOST": self.host,
            "DAGSTER_POSTGRES_PORT": str(self.port),
            "DAGSTER_POSTGRES_USER": self.user,
            "DAGSTER_POSTGRES_PASSWORD": self.password,
            "DAGSTER_POSTGRES_DB": dbname,
        }


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of our own on 127.0.0.1, password authentication, stopped at the end."""
    bindir = postgres_bindir()
    if bindir is None:
        environment_missing(f"PostgreSQL server binaries (initdb, postgres) not found: {INSTALL_HINT}")
    run_as = None
    if os.geteuid() == 0:  # postgres refuses to run as root
        try:
            run_as = pwd.getpwnam("postgres")
        except KeyError:
            environment_missing(
                f"running as root and no `postgres` user to run the server as: {INSTALL_HINT}"
            )

    # Not under pytest's tmp_path: that is private to root, and the server runs as `postgres`.
    base = Path(tempfile.mkdtemp(prefix="slm-obs-pg-"))
    try:
        password = secrets.token_urlsafe(16)
        pwfile = base / "pwfile"
        pwfile.write_text(password + "\n")
        if run_as is not None:
            for path in (base, pwfile):
                os.chown(path, run_as.pw_uid, run_as.pw_gid)
        user = "dagster"
        data = base / "data"
        initdb = subprocess.run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                user,
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            capture_output=True,
            text=True,
            user=run_as.pw_name if run_as else None,
            group=run_as.pw_gid if run_as else None,
            extra_groups=[] if run_as else None,
            timeout=60,
            check=False,
        )
        if initdb.returncode != 0:
            pytest.fail(f"initdb failed:\n{initdb.stdout}\n{initdb.stderr}")
        pwfile.unlink()
        port = free_port()
        log_path = base / "postgres.log"
        argv = [
            str(bindir / "postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={base}",
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]
        server = PostgresServer("127.0.0.1", port, user, password, log_path)
        # SIGINT is PostgreSQL's "fast" shutdown: roll back clients, checkpoint, exit.
        with running(
            argv, log_path, user=run_as.pw_name if run_as else None, stop_signal=signal.SIGINT
        ) as process:

            def accepts_connections() -> bool:
                try:
                    server.connect().close()
                except psycopg2.OperationalError:
                    return False
                return True

            wait_until(accepts_connections, 30, "PostgreSQL to accept connections", process, log_path)
            yield server
    finally:
        shutil.rmtree(base, ignore_errors=True)
