"""Plain pytest tier: the pure rules in client_segmentation/tools, no Odoo.

The addon package imports Odoo in its ``__init__``, so the tool modules are
loaded by path instead of through ``import client_segmentation``.
"""

import importlib
import importlib.util
import pathlib
import sys

import pytest

TOOLS = pathlib.Path(__file__).resolve().parent.parent / "client_segmentation" / "tools"


PACKAGE = "client_segmentation_tools"


def load_tool(name):
    """Import ``client_segmentation/tools/<name>.py`` without the addon: the
    tools folder is loaded as a package of its own, so that the tools import
    each other."""
    if PACKAGE not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            PACKAGE, TOOLS / "__init__.py", submodule_search_locations=[str(TOOLS)]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.fixture(scope="session")
def tool():
    return load_tool


CLV_TOOLS = TOOLS.parent.parent / "client_segmentation_clv" / "tools"
CLV_PACKAGE = "client_segmentation_clv_tools"


def load_clv_tool(name):
    """Import ``client_segmentation_clv/tools/<name>.py`` without Odoo, like
    :func:`load_tool`."""
    if CLV_PACKAGE not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            CLV_PACKAGE,
            CLV_TOOLS / "__init__.py",
            submodule_search_locations=[str(CLV_TOOLS)],
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[CLV_PACKAGE] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{CLV_PACKAGE}.{name}")
