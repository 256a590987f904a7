from . import test_mailing_segment
from . import test_temperature_mailing
