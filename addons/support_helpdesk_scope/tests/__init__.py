from . import test_scope_rules
from . import test_ticket_scope
from . import test_portal_access
from . import test_tours
from . import test_roles
from . import test_demo
from . import test_ticket_routing
