from . import close_reason_wizard
from . import support_quote_wizard
from . import support_upgrade_cancel_wizard
from . import pause_subscription_wizard
from . import sale_advance_payment_inv
