"""The demo's customer segments, and the account traits drawn alike for every demo customer, past or present.

Shared by the current customers (``demo/people.py``) and the former ones (``demo/renewal_history.py``), so a
former customer is shaped like any other account of its segment.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import random
from dataclasses import dataclass

from demo.people_vocabulary import OBJECTIVES


@dataclass(frozen=True)
class Segment:
    share: float
    licenses: tuple[int, int]
    seat_price: tuple[int, int]  # ARR per licence, USD (licences sized to the known users, as in B2B seats)
    contacts: tuple[int, int]
    managers: tuple[int, int]
    onboarding_days: tuple[int, int]
    csms: tuple[int, ...]  # which CSMs carry this segment's book
    exec_titles: tuple[str, ...]


SEGMENTS = {
    "enterprise": Segment(0.15, (16, 32), (4500, 9000), (14, 26), (3, 4), (45, 120), (0, 1),
                          ("Chief Operating Officer", "CFO", "VP of Operations", "Chief Data Officer")),
    "mid-market": Segment(0.35, (9, 18), (1800, 3200), (8, 14), (2, 3), (30, 75), (2, 3, 4),
                          ("VP of Operations", "Head of Finance", "VP of Sales", "Head of Data")),
    "smb": Segment(0.50, (4, 10), (700, 1300), (4, 8), (1, 1), (14, 40), (3, 4, 5),
                   ("CEO", "Founder & CEO", "COO", "Managing Director")),
}  # fmt: skip
# How often an account has its partnership objectives documented, by lifecycle stage (else the default):
# the accounts that churned had written theirs down far less often.
DOCUMENTED_CHANCE = {"onboarding": 0.6, "churned": 0.35}
DOCUMENTED_DEFAULT = 0.9


def segment_draw(rng: random.Random) -> str:
    return rng.choices(list(SEGMENTS), [s.share for s in SEGMENTS.values()])[0]


def documented_draw(rng: random.Random, stage: str) -> bool:
    return rng.random() < DOCUMENTED_CHANCE.get(stage, DOCUMENTED_DEFAULT)


def objectives_draw(rng: random.Random) -> str:
    """Two objectives with believable numbers in them."""
    numbers = {"d": rng.randint(4, 10), "m": rng.randint(1, 2), "n": rng.randint(3, 40), "q": rng.randint(1, 4)}
    numbers |= {"p": rng.choice([60, 70, 75, 80]), "h": rng.choice([20, 40, 60, 80])}
    return " ".join(t.format(**numbers) for t in rng.sample(OBJECTIVES, 2))
