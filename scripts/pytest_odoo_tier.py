"""Small pytest plugin used by scripts/test.sh next to pytest-odoo.

Loaded with ``-p pytest_odoo_tier`` (scripts/ on PYTHONPATH). It adds:

``--odoo-exclude-tag TAG`` (repeatable)
    Deselect Odoo test classes tagged ``TAG`` with ``odoo.tests.tagged``.
    test.sh uses it for the browser tours (tag ``client_segmentation_tour``):
    they run in a second step through Odoo's own test runner instead (see the
    comment in scripts/test.sh for why).

Quiet test-framework import
    pytest-odoo imports the test modules (hence ``odoo.tests``) while Odoo's
    ``test_enable`` flag is still off, which makes Odoo log a spurious
    "ERROR ... Importing test framework" line that would trip the log check.
    We import ``odoo.tests`` first, with the flag on, then restore it. Turning the
    flag on for the whole run is not an option: loading the registry would then
    run every installed module's at_install tests.
"""

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--odoo-exclude-tag",
        action="append",
        default=[],
        metavar="TAG",
        help="deselect Odoo test classes tagged TAG (repeatable)",
    )


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_cmdline_main(config):
    # Runs before pytest-odoo's own pytest_cmdline_main, which parses the Odoo
    # config (that sets up Odoo's logging) and then imports odoo.tests. Importing
    # it here first, before Odoo's logging exists, with the flag on, keeps the
    # spurious ERROR out of the log.
    if config.getoption("--odoo-config", None) or config.getoption(
        "--odoo-database", None
    ):
        from odoo.tools import config as odoo_config

        saved = odoo_config["test_enable"]
        odoo_config["test_enable"] = True
        try:
            import odoo.tests.common  # noqa: F401
        finally:
            odoo_config["test_enable"] = saved
    yield


def pytest_collection_modifyitems(config, items):
    excluded = set(config.getoption("--odoo-exclude-tag"))
    if not excluded:
        return
    keep, drop = [], []
    for item in items:
        tags = getattr(getattr(item, "cls", None), "test_tags", None) or set()
        (drop if tags & excluded else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(trylast=True)
def pytest_report_header(config):
    excluded = config.getoption("--odoo-exclude-tag")
    if excluded:
        return f"odoo tests tagged {', '.join(excluded)}: deselected (run by odoo)"
    return None
