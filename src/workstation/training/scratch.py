"""A private scratch folder for torch's compiler caches during one training command.

torch's inductor (and triton, on a GPU) keep kernel caches in ``<temp>/torchinductor_<user>``
and leave them there; the workstation promises to write nothing outside its own folders and
to leave the OS temp folder clean. Each training command therefore points those caches at a
folder of its own that is removed when the command ends.
"""

from __future__ import annotations

import argparse
import functools
import os
import tempfile
from collections.abc import Callable

CACHE_VARIABLES = ("TORCHINDUCTOR_CACHE_DIR", "TRITON_CACHE_DIR")

Handler = Callable[[argparse.Namespace], int]


def with_private_caches(handler: Handler) -> Handler:
    """``handler`` run with torch's cache variables pointing at a folder removed afterwards."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        saved = {name: os.environ.get(name) for name in CACHE_VARIABLES}
        with tempfile.TemporaryDirectory(prefix="workstation-train-") as scratch:
            os.environ.update({name: os.path.join(scratch, name.lower()) for name in saved})
            try:
                return handler(args)
            finally:
                for name, value in saved.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value

    return run
