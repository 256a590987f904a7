"""The test command's own helpers: scripts/logtool.py (tier counts, tier lines,
the closing summary), lib.sh's checklog (checklog-odoo) and
scripts/odoo_requirements.py (Odoo's pins with the project's departures); the
rule that no file of scripts/, bench/ or .ci/ grows over 200 lines."""

import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
MAX_LINES = 200


def load(name):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def logtool():
    return load("logtool")


@pytest.fixture(scope="module")
def reqs():
    return load("odoo_requirements")


LOG_HEAD = "2026-11-26 07:43:48,086 4060 INFO db odoo.modules.loading: start\n"


def test_odoo_log_counts_skips_as_skipped(logtool, tmp_path):
    log = tmp_path / "tours.log"
    log.write_text(
        LOG_HEAD + "2026-11-26 07:43:49,000 4060 INFO db odoo.addons.x.tests.t: skipped"
        " test_tour (x.TestTour.test_tour) : websocket-client module is not"
        " installed\n"
        "2026-11-26 07:43:50,000 4060 INFO db odoo.tests.stats: x\n"
        "2026-11-26 07:43:50,000 4060 INFO db odoo.tests.result: 0 failed,"
        " 0 error(s) of 3 tests when loading database 'db'\n"
    )
    assert logtool.odoo(str(log)) == (2, 0, 1)


def test_odoo_log_counts_failures_and_errors(logtool, tmp_path):
    log = tmp_path / "sale.log"
    log.write_text(
        LOG_HEAD + "2026-11-26 07:43:50,000 4060 ERROR db odoo.tests.result:"
        " 1 failed, 2 error(s) of 5 tests when loading database 'db'\n"
    )
    assert logtool.odoo(str(log)) == (2, 3, 0)


def test_odoo_log_without_summary_is_one_failure(logtool, tmp_path):
    log = tmp_path / "crashed.log"
    log.write_text(LOG_HEAD)
    assert logtool.odoo(str(log)) == (0, 1, 0)
    assert logtool.odoo(str(tmp_path / "missing.log")) == (0, 1, 0)


def test_junit_counts_testcases_not_subtests(logtool, tmp_path):
    xml = tmp_path / "r.xml"
    xml.write_text(
        '<testsuites><testsuite tests="9">'
        '<testcase name="a"/><testcase name="b"><failure/></testcase>'
        '<testcase name="c"><skipped/></testcase><testcase name="d"><error/>'
        "</testcase></testsuite></testsuites>"
    )
    assert logtool.junit(str(xml)) == (1, 2, 1)
    assert logtool.junit(str(tmp_path / "none.xml")) == (0, 1, 0)


def checklog(*logs):
    """lib.sh's checklog (checklog-odoo, scripts/checklog-odoo.cfg) on ``logs``."""
    return subprocess.run(
        ["bash", "-c", f'source "{SCRIPTS}/lib.sh" && checklog "$@"', "-", *logs],
        env=dict(os.environ, CS_PY=sys.executable),
        capture_output=True,
        text=True,
        check=False,
    )


def test_checklog_flags_a_warning_with_its_traceback(tmp_path):
    clean, bad = tmp_path / "install.log", tmp_path / "tours.log"
    clean.write_text(LOG_HEAD)
    bad.write_text(
        LOG_HEAD
        + "2026-11-26 07:43:49,000 4060 WARNING db odoo.models: field x is odd\n"
        "Traceback line\n"
    )
    assert checklog(str(clean), str(tmp_path / "missing.log")).returncode == 0
    result = checklog(str(clean), str(bad))
    assert result.returncode == 1
    assert "field x is odd" in result.stdout and "Traceback line" in result.stdout
    assert f"--- in {bad}" in result.stdout


def test_tier_fails_on_a_failure_a_skip_a_fail_note_or_nothing_run(logtool):
    assert logtool.tier("pure", 3, 0, 0, 7) == (
        "pure      PASS    3 passed, 0 failed, 0 skipped     7s"
    )
    assert logtool.tier("odoo", 3, 1, 0, 7).split()[1] == "FAIL"
    assert logtool.tier("tours", 3, 0, 1, 7).split()[1] == "FAIL"  # skipped fails
    assert logtool.tier("lint", 3, 0, 0, 7, "FAIL rc=2").split()[1] == "FAIL"
    assert logtool.tier("sale", 0, 0, 0, 0).split()[1] == "FAIL"  # ran nothing
    assert logtool.tier("glue", "2", "0", "0", "5", "state checks").endswith(
        "5s  state checks"
    )


def test_summary_lists_the_tiers_and_closes_with_the_totals(logtool, tmp_path, capsys):
    tiers = tmp_path / "tiers"
    tiers.write_text(
        logtool.tier("lint", 7, 0, 0, 40)
        + "\n"
        + logtool.tier("pure", 90, 0, 0, 9)
        + "\n"
    )
    assert logtool.summary(str(tiers)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("tier lint      PASS    7 passed")
    assert out[-2:] == ["test.sh: OK", "tests: 97 passed, 0 failed, 0 skipped"]
    with tiers.open("a") as fh:
        fh.write(logtool.tier("tours", 4, 0, 1, 60) + "\n")
        fh.write(
            logtool.tier("odoo", 0, 0, 0, 0, "FAIL not run: install failed") + "\n"
        )
    assert logtool.summary(str(tiers)) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [
        "test.sh: FAILED (tours odoo)",
        "tests: 101 passed, 0 failed, 1 skipped",
    ]


def test_requirements_rewrite_with_the_project_pins(reqs):
    with open(SCRIPTS / "odoo-pins.txt") as fh:
        rules = reqs.read_rules(fh)
    odoo_lines = [
        "# comment\n",
        "cbor2==5.4.2 ; python_version < '3.12'\n",
        "cbor2==5.6.2 ; python_version >= '3.12'\n",
        "python-ldap==3.4.0 ; sys_platform != 'win32'  # min version\n",
        "lxml==4.9.3 ; python_version > '3.10'\n",
        "pytz  # no version pinning\n",
    ]
    out, notes, unused = reqs.rewrite(odoo_lines, rules)
    assert out == [
        "cbor2==5.4.6 ; python_version < '3.12'",
        "cbor2==5.6.2 ; python_version >= '3.12'",
        "lxml==4.9.3 ; python_version > '3.10'",
        "pytz",
    ]
    assert len(notes) == 2 and "left out" in notes[1]
    assert unused == []


def too_long(folders, max_lines=MAX_LINES):
    """{path: lines} of the files under ``folders`` longer than ``max_lines``
    (bytecode caches left out), and how many files were looked at."""
    found, seen = {}, 0
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            seen += 1
            lines = path.read_bytes().count(b"\n")
            if lines > max_lines:
                found[str(path.relative_to(folder.parent))] = lines
    return found, seen


def test_too_long_finds_a_long_file(tmp_path):
    folder = tmp_path / "scripts"
    folder.mkdir()
    (folder / "short.sh").write_text("echo\n" * MAX_LINES)
    (folder / "long.sh").write_text("echo\n" * (MAX_LINES + 1))
    assert too_long([folder]) == ({"scripts/long.sh": MAX_LINES + 1}, 2)


def test_no_script_over_200_lines():
    """One concern per script: split a file before it passes 200 lines."""
    found, seen = too_long([REPO / "scripts", REPO / "bench", REPO / ".ci"])
    assert seen >= 20  # the folders really were looked at
    assert found == {}
