from . import account_analytic_line
from . import helpdesk_ticket
from . import helpdesk_ticket_approval
from . import helpdesk_ticket_category
from . import res_company
from . import res_config_settings
from . import sale_subscription
from . import support_settings
