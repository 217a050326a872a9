from . import res_company
from . import res_config_settings
from . import sale_subscription
from . import support_settings
from . import support_cockpit_report
