from . import client_refusal_wizard
from . import base_partner_merge
