from . import client_funnel_engine
from . import client_segment_engine
from . import client_segmentation_profile
from . import res_partner
