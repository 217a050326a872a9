from . import contract_dates
