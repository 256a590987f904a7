from . import res_company
from . import res_config_settings
from . import res_partner

# Funnel stages, typology and temperature (issue #4)
from . import client_funnel_stage
from . import client_refusal_reason
from . import client_type
