from . import client_funnel_engine
from . import client_work_plan_trigger
from . import crm_lead
from . import mail_activity_plan_template
from . import client_demo_data
