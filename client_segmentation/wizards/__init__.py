from . import client_refusal_wizard
from . import client_segment_preview
