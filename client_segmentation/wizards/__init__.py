from . import client_refusal_wizard
