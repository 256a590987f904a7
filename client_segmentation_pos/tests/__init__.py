from . import test_segmentation_pos
from . import test_segmentation_pos_sale
