"""``vodozemac.vodozemac``: the same objects as the package (the real binding keeps
its compiled classes in this submodule).

The package defines every name before it imports this module, so the star import
below sees them all, whichever of the two a program imports first.
"""

from olmpy.compat.vodozemac import *  # noqa: F403
from olmpy.compat.vodozemac import __all__ as __all__
