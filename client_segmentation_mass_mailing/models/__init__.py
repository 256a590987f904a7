from . import client_funnel_engine
from . import client_work_plan_trigger
from . import mailing_mailing
