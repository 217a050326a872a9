from . import support_usage_import
