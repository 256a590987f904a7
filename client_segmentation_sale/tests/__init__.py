from . import test_segmentation_sale
from . import test_temperature_sale
