"""When a failed delivery is tried again: exponential backoff with full jitter, then it is dead.

Attempt n (1-based) failing waits a random time in [0, min(cap, base * 2**(n-1))]: 30 s, 1 min, 2 min,
... up to 12 h. Full jitter spreads the retries of many deliveries that failed together (a receiver's
outage) instead of sending them back all at once. 15 attempts span at most about 2.7 days.
"""

# pure: no Django import (tests/test_pure_modules.py)

import random
from collections.abc import Callable

BASE_SECONDS = 30.0
CAP_SECONDS = 12 * 3600.0
MAX_ATTEMPTS = 15


def retry_delay_seconds(attempts: int, uniform: Callable[[float, float], float] = random.uniform) -> float | None:
    """Seconds to wait after ``attempts`` failed attempts, or None when the delivery is dead."""
    if attempts >= MAX_ATTEMPTS:
        return None
    ceiling = min(CAP_SECONDS, BASE_SECONDS * 2 ** (attempts - 1))
    return uniform(0.0, ceiling)


def longest_schedule_seconds() -> float:
    """The longest a delivery can stay alive: every wait at its ceiling."""
    return sum(min(CAP_SECONDS, BASE_SECONDS * 2 ** (n - 1)) for n in range(1, MAX_ATTEMPTS))
