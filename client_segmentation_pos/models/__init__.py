from . import client_segment_engine
from . import client_segmentation_profile
