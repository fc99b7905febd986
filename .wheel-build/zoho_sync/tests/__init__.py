from . import test_zoho_sync
from . import test_live
