# --- client card (issue #3) ---
from . import test_client_card
from . import test_client_card_access
from . import test_client_card_import
from . import test_client_key_date_reminders
from . import test_purchase_frequency
