from . import client_clv_model
from . import client_clv_model_line
from . import client_clv_score
from . import client_clv_summary
from . import client_clv_engine
from . import client_segment_engine
from . import res_partner
from . import client_work_plan_trigger
