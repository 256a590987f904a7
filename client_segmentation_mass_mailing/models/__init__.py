from . import client_work_plan_trigger
from . import mailing_mailing
