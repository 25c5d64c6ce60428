"""Package-level names loaded on first use (PEP 562 module ``__getattr__``).

A package whose ``__init__`` re-exports its engine (``from workstation.vault import Vault``)
would otherwise make every import of one of its light submodules pay for the whole engine:
the ``workstation`` command only needs ``workstation.vault.location.ENV_VAR`` for its help
text, yet an eager ``workstation.vault`` loads SQLCipher, sqlite-utils and pandas, and an
eager ``workstation.reports`` loads reportlab and SciPy. With :func:`lazy_exports` such a
name is imported when somebody first uses it, and is then an ordinary module attribute.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, origins: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``name`` from the submodule
    ``origins[name]`` on first access and keeps it in the package namespace afterwards.

    Any other name raises ``AttributeError``, which is also what lets ``from package import
    submodule`` fall through to importing the submodule.
    """

    def __getattr__(name: str) -> Any:
        try:
            submodule = origins[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{package}.{submodule}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
