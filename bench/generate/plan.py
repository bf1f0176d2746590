"""The run plan: how many municipalities, what they are called and how big each one is, for a seed and a scale.

Everything here follows from ``(seed, scale, municipalities)`` alone, before a row is written, so a resumed run
makes the same plan as the run it continues and each municipality can be built on its own.

At ``--scale 1`` (the national size, issue 11): 300 municipalities, 100,000 service users and 10 million
follow-up log entries. Counts scale linearly; at tiny scales there is at least one municipality, and every
municipality has at least one service user. Municipalities are of very different sizes, as in Norway (a
log-normal spread: a few large towns, many small places).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.generate import words

FULL_MUNICIPALITIES = 300
FULL_SERVICE_USERS = 100_000
FULL_LOG_ENTRIES = 10_000_000
# What each service user brings on average, at any scale (the tables the header, the bell and the access log
# read grow with these).
NOTIFICATIONS_PER_USER = 30
ACCESS_EVENTS_PER_USER = 50
# Open cases per trust person (where a municipality has enough of them): about 20, from 10 to 30.
CASELOAD = (10, 30)
# Generated municipalities are numbered 9001, 9002, … (no real municipality number starts with 9).
FIRST_NUMBER = 9001
MAX_MUNICIPALITIES = 999
# Partner services that cover several municipalities (a DPS, the probation service, an out-of-hours clinic) are
# shared by a region of this many municipalities.
REGION_SIZE = 10


@dataclass(frozen=True)
class MunicipalityPlan:
    index: int  # 1, 2, …
    number: str  # "9001", …
    name: str  # "Sandvik kommune"
    short: str  # "Sandvik"
    region: int  # 0, 1, … (REGION_SIZE municipalities each)
    region_name: str  # the short name of the region's first municipality
    service_users: int
    log_entries: int

    def rng(self, seed: int, part: str = "") -> random.Random:
        """The municipality's own random generator (the same whatever else the run builds)."""
        return random.Random(f"{seed}-{self.number}-{part}")


@dataclass(frozen=True)
class RunPlan:
    seed: int
    scale: float
    municipalities: tuple[MunicipalityPlan, ...]

    @property
    def service_users(self) -> int:
        return sum(m.service_users for m in self.municipalities)

    @property
    def log_entries(self) -> int:
        return sum(m.log_entries for m in self.municipalities)


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split ``total`` into whole parts in proportion to ``weights`` (largest remainder), each at least
    ``minimum`` when the total allows it. The parts always add up to ``total``."""
    n = len(weights)
    if n == 0:
        return []
    floor = minimum if total >= minimum * n else 0
    rest = total - floor * n
    weight_sum = sum(weights) or 1.0
    shares = [rest * w / weight_sum for w in weights]
    parts = [int(s) for s in shares]
    missing = rest - sum(parts)
    by_remainder = sorted(range(n), key=lambda i: (parts[i] - shares[i], i))
    for i in by_remainder[:missing]:
        parts[i] += 1
    return [floor + p for p in parts]


def municipality_names(rng: random.Random, count: int) -> list[str]:
    bases = [p + s for p in words.NAME_PREFIXES for s in words.NAME_SUFFIXES]
    rng.shuffle(bases)
    names = [direction + base for direction in words.NAME_DIRECTIONS for base in bases]
    if count > len(names):
        raise ValueError(f"Høyst {len(names)} kommunenavn.")
    return names[:count]


def make_plan(seed: int, scale: float, municipalities: int | None = None) -> RunPlan:
    if scale <= 0:
        raise ValueError("--scale må være større enn 0.")
    if municipalities is not None and municipalities < 1:
        raise ValueError("--municipalities må være minst 1.")
    count = municipalities or max(1, round(FULL_MUNICIPALITIES * scale))
    if count > MAX_MUNICIPALITIES:
        raise ValueError(f"Høyst {MAX_MUNICIPALITIES} kommuner (kommunenummer 9001–9999).")
    users = max(count, round(FULL_SERVICE_USERS * scale))
    entries = round(FULL_LOG_ENTRIES * scale)
    rng = random.Random(f"{seed}-plan")
    weights = [rng.lognormvariate(0, 1.0) for _ in range(count)]
    user_counts = apportion(users, weights, minimum=1)
    entry_counts = apportion(entries, [float(u) for u in user_counts])
    names = municipality_names(rng, count)
    plans = []
    for i in range(count):
        region = i // REGION_SIZE
        plans.append(
            MunicipalityPlan(
                index=i + 1,
                number=str(FIRST_NUMBER + i),
                name=f"{names[i]} kommune",
                short=names[i],
                region=region,
                region_name=names[region * REGION_SIZE],
                service_users=user_counts[i],
                log_entries=entry_counts[i],
            )
        )
    return RunPlan(seed=seed, scale=scale, municipalities=tuple(plans))
