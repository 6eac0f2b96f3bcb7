"""Booking the rows of a suggested plan (specialists/planner.py) that the coordinator kept."""

import dataclasses
import datetime

from icbs.models import ICB
from pins.kernel.errors import RuleBroken
from schools.models import Enrolment, ProgrammeYear
from specialists.models import Visit
from specialists.planner import proposal_from_token
from specialists.services.visit import visit_allocate


@dataclasses.dataclass
class Refusal:
    school: str
    date: datetime.date
    message: str
    specialist: str = ""
    session: str = ""


def plan_book(*, icb: ICB, year: ProgrammeYear, rows: list[str], by) -> tuple[list[Visit], list[Refusal]]:
    """Book each kept row of the ICB's plan (edited rows carry their edits) through `visit_allocate`, so the plan
    has no rule of its own. Not atomic on purpose: something may have changed since the plan was made, so each row
    stands or falls alone. The school reads the visit's purpose; the planner's reason stays with the coordinator."""
    enrolments = {
        enrolment.pk: enrolment
        for enrolment in Enrolment.objects.filter(icb=icb, programme_year=year).select_related("school")
    }
    specialists = {specialist.pk: specialist for specialist in icb.specialists.all()}
    chosen = [proposal_from_token(row, enrolments=enrolments, specialists=specialists) for row in rows]
    if not chosen:
        raise RuleBroken("Tick at least one visit to book")
    if None in chosen:
        raise RuleBroken("The plan was changed: make a new one")
    booked, refused = [], []
    for proposal in chosen:
        try:
            booked.append(
                visit_allocate(
                    enrolment=proposal.enrolment,
                    specialist=proposal.specialist,
                    date=proposal.date,
                    session=proposal.session,
                    purpose=proposal.purpose,
                    by=by,
                )
            )
        except RuleBroken as error:
            refused.append(
                Refusal(
                    proposal.enrolment.school.name,
                    proposal.date,
                    error.message,
                    specialist=proposal.specialist.full_name,
                    session=proposal.session.label,
                )
            )
    return booked, refused
