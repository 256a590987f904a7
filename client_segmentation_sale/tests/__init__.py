from . import test_segmentation_sale
