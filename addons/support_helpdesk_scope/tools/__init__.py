from . import scope
