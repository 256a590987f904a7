from . import test_work_plan_opportunity
from . import test_temperature_opportunity
from . import test_demo_opportunities
