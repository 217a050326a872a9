from . import account_move_line
from . import product_template
from . import res_partner
from . import sale_order_line
from . import sale_subscription
from . import sale_subscription_template
from . import support_instance
from . import support_upgrade
