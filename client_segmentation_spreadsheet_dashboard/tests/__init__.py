from . import test_client_base_dashboard
