from . import support_usage_import
from . import account_move_reversal
