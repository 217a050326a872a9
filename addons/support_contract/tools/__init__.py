from . import contract_dates
from . import pricing
