from . import periods
from . import usage_file
