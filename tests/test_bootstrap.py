"""scripts/bootstrap.sh stops at once, saying what to do, when it finds no Odoo.

Run with an interpreter that cannot import odoo (a bare venv), so the search
goes past "your own install" to $ODOO_SRC and ../shared/odoo.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import venv

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory):
    """A python without odoo on its path (no pip: nothing gets installed)."""
    target = tmp_path_factory.mktemp("bare") / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(target)
    return str(target / "bin" / "python")


def run_bootstrap(repo, bare_python, tmp_path, **env):
    full_env = {
        k: v for k, v in os.environ.items() if k not in ("ODOO_SRC", "CS_PY", "VENV")
    }
    full_env.update(PYTHON=bare_python, VENV=str(tmp_path / "venv"), **env)
    return subprocess.run(
        ["bash", str(repo / "scripts" / "bootstrap.sh")],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_odoo_src_names_the_path(bare_python, tmp_path):
    missing = tmp_path / "no-such-odoo.tar.gz"
    result = run_bootstrap(REPO, bare_python, tmp_path, ODOO_SRC=str(missing))
    assert result.returncode == 1
    assert f"ODOO_SRC={missing} does not exist" in result.stderr
    assert "ODOO_SRC=/path/to/that/tarball-or-folder" in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "venv").exists()


def test_odoo_src_folder_that_is_not_odoo(bare_python, tmp_path):
    folder = tmp_path / "not-odoo"
    folder.mkdir()
    result = run_bootstrap(REPO, bare_python, tmp_path, ODOO_SRC=str(folder))
    assert result.returncode == 1
    assert "has no odoo/release.py" in result.stderr


def test_no_odoo_anywhere_says_how_to_get_it(bare_python, tmp_path):
    # A copy of the scripts with no ../shared beside it.
    repo = tmp_path / "checkout"
    shutil.copytree(REPO / "scripts", repo / "scripts")
    shutil.copy(REPO / "requirements-test.txt", repo)
    result = run_bootstrap(repo, bare_python, tmp_path)
    assert result.returncode == 1
    assert "No Odoo 18.0 found" in result.stderr
    assert "../shared/odoo/odoo-18.0*.tar.*" in result.stderr
    assert "git clone --depth 1 -b 18.0" in result.stderr


def test_bare_python_really_lacks_odoo(bare_python):
    probe = subprocess.run(
        [bare_python, "-c", "import odoo"], capture_output=True, check=False
    )
    assert probe.returncode != 0, sys.executable
