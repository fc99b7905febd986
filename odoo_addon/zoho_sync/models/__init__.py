from . import zoho_sync_client
from . import zoho_sync_status
from . import res_config_settings
from . import zoho_sync_run
from . import product_template
