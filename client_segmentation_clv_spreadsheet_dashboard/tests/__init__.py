from . import test_clv_dashboard
