# Pure rules of the predicted-value models: no Odoo import, tested by plain
# pytest (tests/test_tools_clv_*.py).
