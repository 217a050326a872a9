from . import account_analytic_line
from . import helpdesk_ticket
from . import res_company
from . import sale_subscription
from . import support_scope_category
