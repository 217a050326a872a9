from . import portal
from . import main
from . import portal_patch_round
