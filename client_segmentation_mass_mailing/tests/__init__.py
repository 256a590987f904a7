from . import test_mailing_segment
