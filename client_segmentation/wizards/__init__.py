from . import client_refusal_wizard
from . import base_partner_merge
from . import client_segment_preview
