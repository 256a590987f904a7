"""scripts/pg.sh from a clone in a folder only its owner may enter (mode 700,
as /root or a `mktemp -d` folder): the private cluster starts, answers and
stops. As root the server runs as `postgres`, which cannot enter the clone, so
the cluster lives in /var/tmp behind the .pgdata symlink; as another user the
server runs as that user and stays in .pgdata."""

import os
import pathlib
import shutil
import socket
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_clone(tmp_path):
    """The scripts pg.sh needs, in <tmp>/private/cs with <tmp>/private at 700."""
    private = tmp_path / "private"
    (private / "cs" / "scripts").mkdir(parents=True)
    for name in ("pg.sh", "lib.sh"):
        shutil.copy(REPO / "scripts" / name, private / "cs" / "scripts" / name)
    private.chmod(0o700)
    clone = private / "cs"
    env = dict(os.environ, PGPORT=str(free_port()))
    env.pop("CS_PY", None)

    def pg(*args):
        return subprocess.run(
            ["bash", str(clone / "scripts" / "pg.sh"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    yield clone, pg
    pg("stop")
    pgdata = clone / ".pgdata"
    if pgdata.is_symlink():
        shutil.rmtree(pgdata.resolve(), ignore_errors=True)


def test_pg_starts_and_stops_in_a_private_folder(private_clone):
    clone, pg = private_clone
    assert os.stat(clone.parent).st_mode & 0o777 == 0o700

    started = pg("start")
    assert started.returncode == 0, started.stderr
    pgdata = clone / ".pgdata"
    if os.geteuid() == 0:
        # `postgres` cannot enter the clone: the cluster is kept in /var/tmp.
        assert pgdata.is_symlink(), started.stderr
        assert str(pgdata.resolve()).startswith("/var/tmp/cs-pgdata-")
        assert "cluster kept in /var/tmp/" in started.stderr
    assert (pgdata / "data" / "PG_VERSION").is_file()

    status = pg("status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert f"running: {pgdata.resolve()}/data" in status.stdout

    query = pg("psql", "-tA", "-c", "SELECT rolname FROM pg_roles WHERE rolcanlogin")
    assert query.returncode == 0, query.stderr
    assert "odoo" in query.stdout.split()

    again = pg("start")  # idempotent, and the symlink is reused
    assert again.returncode == 0, again.stderr
    assert "already running" in again.stderr

    stopped = pg("stop")
    assert stopped.returncode == 0, stopped.stderr
    assert pg("status").returncode == 3
