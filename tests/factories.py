import datetime
from decimal import Decimal

import factory
from django.db.models import F

from icbs.models import ICB, CoordinatorMembership, LocalAuthority, Region
from pins.accounts.models import StaffMembership, User
from schools.models import ClosureDate, Cohort, Enrolment, ProgrammeYear, School, SencoMembership
from specialists.models import Capacity, Discipline, Session, Specialist, Unavailability, Visit
from specialists.services import visit_counters_recount

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(PASSWORD)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["name"]

    name = "North East and Yorkshire"
    code = "Y63"


class ICBFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ICB

    ods_code = factory.Sequence(lambda n: f"T{n % 100:02d}")
    ons_code = factory.Sequence(lambda n: f"E54{900000 + n:06d}")
    name = factory.Sequence(lambda n: f"NHS Test Area {n} Integrated Care Board")
    region = factory.SubFactory(RegionFactory)
    started_on = datetime.date(2022, 7, 1)


def _unused_la_code() -> str:
    """A three-digit code above every real DfE code (201 to 943) that no authority in the test has yet."""
    taken = set(LocalAuthority.objects.filter(dfe_code__gte="950").values_list("dfe_code", flat=True))
    return next(code for code in map(str, range(950, 1000)) if code not in taken)


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority

    dfe_code = factory.LazyFunction(lambda: _unused_la_code())
    ons_code = ""
    name = factory.Sequence(lambda n: f"Testshire {n}")
    icb = factory.SubFactory(ICBFactory)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: 300000 + n)
    local_authority = factory.SubFactory(LocalAuthorityFactory)
    icb = factory.LazyAttribute(lambda school: school.local_authority.icb)
    dfe_number = factory.LazyAttributeSequence(lambda school, n: f"{school.local_authority.dfe_code}{2000 + n % 8000}")
    name = factory.Sequence(lambda n: f"Test Primary School {n}")
    phase = "Primary"
    type = "Community school"
    status = "Open"
    postcode = "LS1 4AP"
    easting = 430000
    northing = 433000
    pupil_count = 250


class ProgrammeYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeYear
        django_get_or_create = ["label"]

    label = "2026-27"
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 7, 16)
    default_quota_days = Decimal("5.0")


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ["programme_year", "name"]

    programme_year = factory.SubFactory(ProgrammeYearFactory)
    name = "New schools"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    school = factory.SubFactory(SchoolFactory)
    cohort = factory.SubFactory(CohortFactory)
    programme_year = factory.LazyAttribute(lambda enrolment: enrolment.cohort.programme_year)
    icb = factory.LazyAttribute(lambda enrolment: enrolment.school.icb)
    status = Enrolment.Status.ENROLLED
    quota_days = factory.LazyAttribute(lambda enrolment: enrolment.cohort.default_quota_days)


class ClosureDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosureDate

    school = factory.SubFactory(SchoolFactory)
    kind = ClosureDate.Kind.INSET
    starts_on = datetime.date(2027, 1, 4)
    ends_on = datetime.date(2027, 1, 4)


class SpecialistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialist

    full_name = factory.Faker("name", locale="en_GB")
    discipline = Discipline.OCCUPATIONAL_THERAPY
    employer = "Test Community NHS Trust"
    icb = factory.SubFactory(ICBFactory)
    email = factory.Sequence(lambda n: f"specialist{n}@nhs.example.org")
    base_postcode = "LS2 9JT"


class CapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capacity

    specialist = factory.SubFactory(SpecialistFactory)
    programme_year = factory.SubFactory(ProgrammeYearFactory)
    days = Decimal("40.0")


class UnavailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unavailability

    specialist = factory.SubFactory(SpecialistFactory)
    starts_on = datetime.date(2026, 10, 26)
    ends_on = datetime.date(2026, 10, 30)
    reason = "Annual leave"


class CoordinatorMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinatorMembership

    user = factory.SubFactory(UserFactory)
    icb = factory.SubFactory(ICBFactory)


class SencoMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SencoMembership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    role = StaffMembership.Role.DFE_STAFF


class VisitFactory(factory.django.DjangoModelFactory):
    """A proposed morning visit on a Tuesday in October 2026. It bypasses the allocation service, so the
    counters are set here to match."""

    class Meta:
        model = Visit
        skip_postgeneration_save = True

    enrolment = factory.SubFactory(EnrolmentFactory)
    specialist = factory.SubFactory(SpecialistFactory, icb=factory.SelfAttribute("..enrolment.icb"))
    date = datetime.date(2026, 10, 6)
    session = Session.MORNING
    slot_start = 0
    slot_end = 1
    days = Decimal("0.5")

    @factory.post_generation
    def count_the_days(visit, create, extracted, **kwargs):
        if create and visit.status != Visit.Status.CANCELLED:
            visit_counters_recount(enrolments=Enrolment.objects.filter(pk=visit.enrolment_id))
            Capacity.objects.filter(specialist=visit.specialist, programme_year=visit.enrolment.programme_year).update(
                allocated_days=F("allocated_days") + visit.days
            )
