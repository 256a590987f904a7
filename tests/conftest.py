"""Plain pytest tier: the pure rules in client_segmentation/tools, no Odoo.

The addon package imports Odoo in its ``__init__``, so the tool modules are
loaded by path instead of through ``import client_segmentation``.
"""

import importlib.util
import pathlib
import sys

import pytest

TOOLS = pathlib.Path(__file__).resolve().parent.parent / "client_segmentation" / "tools"


def load_tool(name):
    """Import ``client_segmentation/tools/<name>.py`` without the addon."""
    spec = importlib.util.spec_from_file_location(
        f"client_segmentation_tools_{name}", TOOLS / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    # registered like any import: dataclasses look their module up
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tool():
    return load_tool
