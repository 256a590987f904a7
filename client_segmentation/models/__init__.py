from . import res_company
from . import res_config_settings
from . import res_partner

# --- client card (issue #3) ---
from . import client_channel
from . import client_interest_tag
from . import client_key_date_type
from . import client_key_date

# Funnel stages, typology and temperature (issue #4)
from . import client_funnel_stage
from . import client_refusal_reason
from . import client_type
