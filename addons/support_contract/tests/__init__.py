from . import test_contract_dates
from . import test_agreement
from . import test_upgrade
from . import test_discount
from . import test_portal
from . import test_demo
from . import test_cloc_engine
from . import test_repository
