from . import close_reason_wizard
from . import support_quote_wizard
from . import sale_advance_payment_inv
