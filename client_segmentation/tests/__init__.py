# --- funnel stages, typology, temperature, boards (issue #4) ---
from . import test_funnel
from . import test_funnel_access
from . import test_funnel_tour
