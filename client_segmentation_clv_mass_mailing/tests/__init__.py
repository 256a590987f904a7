from . import test_mailing_clv
