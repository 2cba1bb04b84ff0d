"""pycolonies_fast: a drop-in, much faster replacement for pycolonies, the ColonyOS Colonies SDK."""

from .crypto import Crypto

__version__ = "0.1.0"

__all__ = ["Crypto", "__version__"]
