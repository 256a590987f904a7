# Pure segmentation rules: no Odoo import, tested with plain pytest
# (tests/test_tools_segmentation.py at the repository root).
from . import settings
from . import segmentation
from . import key_dates
from . import funnel
from . import rhythm
