from . import delivery_route
