from . import test_segmentation
from . import test_segmentation_settings
