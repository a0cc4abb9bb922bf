"""A throw-away PostgreSQL cluster for the tests: real server, no mocks.

``initdb`` in a temporary folder, a free loopback port, started once per test session and
stopped at exit. Each test gets a fresh database (``CREATE DATABASE``), dropped afterwards.

The server binaries are looked up on ``PATH`` and in Debian's
``/usr/lib/postgresql/<version>/bin`` (``.ci/run`` installs the ``postgresql`` package).
PostgreSQL refuses to run as root, so under root the cluster runs as the ``postgres``
user (or ``nobody``). Tests skip, with one line saying why, only when no server binary
exists or psycopg is not installed; a server that exists but does not start is an error.
"""

from __future__ import annotations

import atexit
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

_START_TIMEOUT = 30.0
_USER = "arxivbot"
_counter = itertools.count(1)


def server_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``postgres``, or None."""
    found = shutil.which("initdb")
    if found and shutil.which("postgres"):
        return Path(found).resolve().parent
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return debian[-1].parent if debian else None


@dataclass(frozen=True)
class Cluster:
    bin_dir: Path
    data_dir: Path
    port: int
    process: subprocess.Popen[bytes]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{_USER}@127.0.0.1:{self.port}/{database}"


def _run_as() -> str | None:
    """A non-root account to run the server under when we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(bin_dir: Path) -> Cluster:
    user = _run_as()
    root = Path(tempfile.mkdtemp(prefix="arxivbot-pg-"))
    data = root / "data"
    if user is not None:
        account = pwd.getpwnam(user)
        os.chown(root, account.pw_uid, account.pw_gid)
    options = ["-U", _USER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]
    subprocess.run(
        [bin_dir / "initdb", "-D", data, *options, "--no-instructions"],
        check=True,
        capture_output=True,
        user=user,
    )
    port = _free_port()
    settings = {
        "listen_addresses": "127.0.0.1",
        "port": str(port),
        "unix_socket_directories": str(root),
        "fsync": "off",  # a throw-away cluster: durability is not under test
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "200",
        "shared_buffers": "32MB",
    }
    args = [str(bin_dir / "postgres"), "-D", str(data)]
    for name, value in settings.items():
        args += ["-c", f"{name}={value}"]
    with open(root / "server.log", "wb") as log:  # the child keeps its own copy
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, user=user)
    cluster = Cluster(bin_dir, data, port, process)
    atexit.register(_stop, cluster, root)
    _wait_ready(cluster, root)
    return cluster


def _wait_ready(cluster: Cluster, root: Path) -> None:
    import psycopg

    deadline = time.monotonic() + _START_TIMEOUT
    while True:
        if cluster.process.poll() is not None:
            log = (root / "server.log").read_text(errors="replace")
            raise RuntimeError(f"PostgreSQL exited at start:\n{log}")
        try:
            with psycopg.connect(cluster.url(), connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _stop(cluster: Cluster, root: Path) -> None:
    if cluster.process.poll() is None:
        cluster.process.send_signal(signal.SIGINT)  # "fast" shutdown
        try:
            cluster.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            cluster.process.kill()
            cluster.process.wait()
    shutil.rmtree(root, ignore_errors=True)


@cache
def cluster() -> Cluster:
    """The session's cluster (started on first use); skips when none can exist here."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests skipped: psycopg is not installed (pip install -e '.[test]')")
    bin_dir = server_bin_dir()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL tests skipped: no initdb/postgres found on PATH or in "
            "/usr/lib/postgresql/*/bin (apt-get install postgresql)"
        )
    return _start(bin_dir)


def create_database() -> str:
    """A new empty database on the session's cluster; returns its URL."""
    import psycopg

    server = cluster()
    name = f"t{os.getpid()}_{next(_counter)}"
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.url(name)


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(cluster().url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
