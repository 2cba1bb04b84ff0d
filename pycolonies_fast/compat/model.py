"""Upstream's ``model`` module: our 14 model classes plus the names upstream's module imported
for itself, so ``from model import *`` and ``from model import Optional`` work as
they did. ``compat.install()`` makes ``import model`` load this module; the classes are
``pycolonies_fast.models``' own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Dict, List, Optional  # noqa: UP035 - upstream's spellings, re-exported

from pydantic import BaseModel, Field, field_validator

from pycolonies_fast.models import *  # noqa: F403 - the 14 classes
from pycolonies_fast.models import __all__ as _model_classes

__all__ = [*_model_classes, "BaseModel", "Dict", "Field", "List", "Optional", "datetime", "field_validator"]
