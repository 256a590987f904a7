from . import test_segmentation
from . import test_segmentation_settings
from . import test_segmentation_sale
from . import test_client_card
from . import test_client_card_access
from . import test_client_card_import
from . import test_client_key_date_reminders
from . import test_purchase_frequency

# funnel stages, typology, temperature, boards
from . import test_funnel
from . import test_funnel_access
from . import test_funnel_tour
from . import test_segment_engine
from . import test_engine_concurrency
from . import test_segment_history
from . import test_buying_rhythm
from . import test_rhythm_settings
from . import test_segment_preview
from . import test_access_roles
from . import test_config_safety
from . import test_client_boards
from . import test_work_plan
from . import test_work_plan_access
from . import test_work_plan_tour
from . import test_i18n
from . import test_classification_sql
from . import test_profile_migration
