from . import test_client_base_dashboard
from . import test_i18n
from . import test_client_base_dashboard_browser
from . import test_client_base_dashboard_layout
