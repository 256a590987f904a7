from . import test_clv_model
from . import test_clv_engine
from . import test_clv_cdnow
