"""The one place that imports the SQLite driver, so every vault module gets the same one.

sqlite-utils catches ``sqlite3.OperationalError`` in several code paths (``alter=True``
inserts, ``drop(ignore=True)``, unique index names). A keyed SQLCipher connection raises
``sqlcipher3.dbapi2.OperationalError`` instead, which the standard module's ``except`` would
not catch. sqlite-utils prefers a module named ``pysqlite3`` when one is importable, so
registering ``sqlcipher3`` under that name *before* sqlite-utils is first imported makes its
error handling see the right classes. Import ``sqlite_utils`` from here, never directly.
"""

from __future__ import annotations

import sys

import sqlcipher3
import sqlcipher3.dbapi2

sys.modules.setdefault("pysqlite3", sqlcipher3)
sys.modules.setdefault("pysqlite3.dbapi2", sqlcipher3.dbapi2)

import sqlite_utils  # noqa: E402  (must follow the aliasing above)
from sqlite_utils.utils import sqlite3 as _sqlite_utils_driver  # noqa: E402

if _sqlite_utils_driver is not sqlcipher3:
    raise ImportError(
        "sqlite_utils was imported before workstation.vault.driver and is bound to the standard "
        "sqlite3 module; import workstation.vault.driver first."
    )

DatabaseError = sqlcipher3.dbapi2.DatabaseError
OperationalError = sqlcipher3.dbapi2.OperationalError
IntegrityError = sqlcipher3.dbapi2.IntegrityError

__all__ = [
    "DatabaseError",
    "IntegrityError",
    "OperationalError",
    "sqlcipher3",
    "sqlite_utils",
]
