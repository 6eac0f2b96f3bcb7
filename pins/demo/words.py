"""The demo's words and reference figures, read from the files in `data/`, and its people's names from Faker.

Everything here is invented for demonstrations: plausible names of places and schools, rough areas on the
national grid, what specialists do at visits. Nothing is read from a live service.
"""

import csv
import dataclasses
import functools
import random
from pathlib import Path

from faker import Faker

DATA = Path(__file__).resolve().parent / "data"


@functools.cache
def words(name: str) -> tuple[str, ...]:
    """The lines of `data/<name>.txt`, one word or phrase each."""
    return tuple(line.strip() for line in (DATA / f"{name}.txt").read_text().splitlines() if line.strip())


@functools.cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """The rows of `data/<name>.csv`, each a dict by its header."""
    with (DATA / f"{name}.csv").open(newline="") as rows:
        return tuple(csv.DictReader(rows))


def box(row: dict[str, str]) -> tuple[int, int, int, int]:
    """A box on the national grid (west, south, east, north), in metres."""
    return int(row["west"]), int(row["south"]), int(row["east"]), int(row["north"])


@dataclasses.dataclass(frozen=True)
class VisitPurpose:
    discipline: str
    purpose: str
    activities: tuple[str, ...]  # the main one first
    staff_reached: tuple[int, int]
    note: str


@functools.cache
def visit_purposes() -> dict[str, tuple[VisitPurpose, ...]]:
    """What each discipline's specialists do at visits, as the outcome records them."""
    purposes: dict[str, list[VisitPurpose]] = {}
    for row in table("visit_purposes"):
        purposes.setdefault(row["discipline"], []).append(
            VisitPurpose(
                discipline=row["discipline"],
                purpose=row["purpose"],
                activities=tuple(row["activities"].split()),
                staff_reached=(int(row["fewest_staff"]), int(row["most_staff"])),
                note=row["note"],
            )
        )
    return {discipline: tuple(entries) for discipline, entries in purposes.items()}


class People:
    """People's names from Faker (British English), seeded so that the same seed names the same people."""

    def __init__(self, seed: str):
        self.faker = Faker("en_GB")
        self.faker.seed_instance(seed)

    def name(self) -> str:
        return f"{self.faker.first_name()} {self.faker.last_name()}"

    def street(self) -> str:
        """A street named after a family, as many are: Faker's own British street kinds include canyons."""
        return f"{self.faker.last_name()} {self.faker.random_element(words('street_kinds'))}"


def place(rng: random.Random) -> str:
    """A place-like name such as Oakfield, Brookside or Hillcrest."""
    stems, endings = words("place_stems"), words("place_endings")
    stem, ending = rng.choice(stems), rng.choice(endings)
    while stem.lower().endswith(ending) or stem.lower() == ending:
        ending = rng.choice(endings)
    return f"{stem}{ending}"
