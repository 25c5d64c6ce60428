"""How long a sign-in waits, given the failures since the last successful one.

The delay is applied before the password is checked, so each guess costs the attacker the wait
plus the Argon2 time. The count comes from the failed-login file (failures.py), so it persists
across program restarts. Policies are plain functions so tests can inject fast ones and the GUI
can show the wait.
"""

from __future__ import annotations

from collections.abc import Callable

DelayPolicy = Callable[[int], float]

FREE_ATTEMPTS = 2
FIRST_DELAY_S = 1.0
MAX_DELAY_S = 30.0


def escalating_delay(failures: int) -> float:
    """0, 0, 1, 2, 4, 8 … seconds, capped at 30 s: typos are free, guessing is not."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2.0 ** (failures - FREE_ATTEMPTS))
