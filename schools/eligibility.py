"""Which schools a primary programme may enrol: open, state-funded, mainstream, with primary-age pupils (issue 16).
Read from the GIAS fields kept on `School`; a field GIAS left empty is not held against the school."""

import datetime

from schools.models import School

# GIAS phases whose pupils include primary ages.
PRIMARY_PHASES = {"primary", "middle deemed primary", "all-through", "all through", "nursery"}
NOT_PRIMARY_PHASES = {"secondary", "middle deemed secondary", "16 plus"}
# GIAS types of establishment that are not state-funded mainstream schools, and how to say so.
NOT_MAINSTREAM = (
    ("independent", "an independent school"),
    ("non-maintained special", "a non-maintained special school"),
    ("special", "a special school"),
    ("pupil referral unit", "a pupil referral unit"),
    ("alternative provision", "an alternative provision"),
    ("further education", "a further education college"),
    ("higher education", "a higher education institution"),
    ("welsh establishment", "a Welsh school"),
    ("secure unit", "a secure unit"),
    ("online provider", "an online provider"),
    ("service children", "a school for service children abroad"),
    ("other government department", "funded by another government department"),
)


def enrolment_refusal(school: School, *, today: datetime.date) -> str | None:
    """Why the school cannot be enrolled in a primary programme, or None."""
    status = school.status.strip().lower()
    if school.closed_on is not None and school.closed_on <= today:
        return f"{school.name} closed on {school.closed_on:%-d %B %Y}"
    if status.startswith("closed"):
        return f"{school.name} is closed"
    kind = school.type.strip().lower()
    for words, said in NOT_MAINSTREAM:
        if words in kind:
            return f"{school.name} is {said}"
    phase = school.phase.strip().lower()
    if phase in NOT_PRIMARY_PHASES:
        what = "a sixth-form (16 plus) school" if phase == "16 plus" else f"a {phase} school"
        return f"{school.name} is {what}"
    if phase not in PRIMARY_PHASES and school.statutory_low_age is not None and school.statutory_low_age >= 11:
        return (
            f"{school.name} has no primary-age pupils (ages {school.statutory_low_age} to {school.statutory_high_age})"
        )
    return None
