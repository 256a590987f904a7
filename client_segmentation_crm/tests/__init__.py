from . import test_work_plan_opportunity
