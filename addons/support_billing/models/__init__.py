from . import account_analytic_line
from . import account_move
from . import account_move_send
from . import account_move_line
from . import product_template
from . import sale_subscription
from . import support_upgrade
from . import support_usage
