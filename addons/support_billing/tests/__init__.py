from . import test_periods
from . import test_billing
from . import test_hourly_product_missing
from . import test_usage_import
from . import test_exactly_once_processes
from . import test_demo
from . import test_quote_invoice
from . import test_customer_documents
