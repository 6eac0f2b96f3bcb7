"""Demo data at national scale: every current ICB with its schools enrolled, specialists, sign-ins, and a year
of visits in every state, keeping every scheduling rule, quota and capacity.

Deterministic: the same seed and scale on the same day give the same schools, names, coordinates, dates, visits
and e-mail addresses (URNs and specialist ids included; other row ids and timestamps may differ). It builds on the
programme's own reference data (ICBs and local authorities) and is for demonstrations and benchmarks, never
for a live service: every demo account shares one published password.
"""

import copy
import dataclasses
import datetime
import itertools
import random
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

import holidays
import pgtrigger
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from icbs.models import ICB, CoordinatorMembership, LocalAuthority
from icbs.services import reference_data_load
from pins.accounts.models import StaffMembership, User
from pins.kernel.errors import RuleBroken
from pins.kernel.history import event_of
from schools.models import (
    BlackoutPeriod,
    ClosureDate,
    Cohort,
    Enrolment,
    ProgrammeYear,
    School,
    SencoMembership,
)
from specialists.models import (
    SESSION_DAYS,
    SESSION_SLOTS,
    Activity,
    Capacity,
    Discipline,
    Outcome,
    Session,
    Specialist,
    Unavailability,
    Visit,
)
from specialists.services import visit_counters_recount

# Printed by `make run` for anyone to read: the demo holds no secrets.
DEMO_PASSWORD = "pins-demo-password"
DFE_EMAIL = "dfe@example.org"
ADMIN_EMAIL = "admin@example.org"
SCHOOLS_PER_ICB = 40  # as in year 1 of the programme
CONTINUING_SHARE = Decimal("0.75")  # 30 of every 40 schools continue from last year, 10 are new
QUOTA_DAYS = Decimal("5.0")
MAX_SCALE = 20  # England has about 16,800 primary schools: scale 10
BATCH_SIZE = 2000
# The history triggers paused while the demo writes visits and outcomes with their past events (pins.kernel.history).
PAUSED = ("history_insert", "history_update")


def coordinator_email(*, icb: ICB) -> str:
    return f"coordinator.{icb.ods_code.lower()}@example.org"


def senco_email(*, urn: int) -> str:
    return f"senco.{urn}@example.org"


def specialist_email(*, specialist_id: int) -> str:
    return f"specialist.{specialist_id}@example.org"


# Where an ICB's schools are, in OSGB36 metres (easting min, northing min, easting max, northing max). Rough
# boxes around each ICB's towns, drawn from the national grid; they lie inside their region's box below.
REGION_BOUNDS = {
    "London": (503_000, 155_000, 562_000, 201_000),
    "South East": (400_000, 75_000, 655_000, 250_000),
    "South West": (130_000, 10_000, 440_000, 245_000),
    "East of England": (470_000, 180_000, 660_000, 345_000),
    "Midlands": (290_000, 205_000, 560_000, 410_000),
    "North West": (300_000, 340_000, 400_000, 585_000),
    "North East and Yorkshire": (295_000, 375_000, 545_000, 660_000),
}
ICB_AREAS = {
    "QHG": (480_000, 215_000, 520_000, 265_000),  # Bedford, Luton, Milton Keynes
    "QUE": (505_000, 240_000, 565_000, 310_000),  # Cambridge, Peterborough, Wisbech
    "QM7": (500_000, 195_000, 555_000, 240_000),  # Hertfordshire, Harlow, Epping
    "QH8": (555_000, 180_000, 600_000, 215_000),  # Chelmsford, Basildon, Southend, Thurrock
    "QMM": (560_000, 285_000, 655_000, 340_000),  # Norfolk, Lowestoft
    "QJG": (565_000, 215_000, 645_000, 275_000),  # Ipswich, Bury St Edmunds, Colchester
    "QMJ": (520_000, 180_000, 540_000, 200_000),  # Camden, Islington, Barnet, Enfield, Haringey
    "QMF": (532_000, 178_000, 560_000, 194_000),  # Hackney to Havering
    "QRV": (505_000, 175_000, 530_000, 192_000),  # Hillingdon to Westminster
    "QKK": (530_000, 160_000, 553_000, 180_000),  # Lambeth to Bexley and Bromley
    "QWE": (515_000, 158_000, 537_000, 178_000),  # Richmond to Croydon
    "QHL": (400_000, 275_000, 422_000, 298_000),  # Birmingham, Solihull
    "QUA": (385_000, 285_000, 405_000, 305_000),  # Wolverhampton, Walsall, Dudley, Sandwell
    "QWU": (410_000, 235_000, 450_000, 300_000),  # Coventry, Warwickshire
    "QJ2": (405_000, 320_000, 455_000, 400_000),  # Derby, Derbyshire
    "QGH": (330_000, 225_000, 405_000, 280_000),  # Hereford, Worcester
    "QK1": (440_000, 280_000, 495_000, 330_000),  # Leicester, Leicestershire, Rutland
    "QJM": (480_000, 320_000, 555_000, 400_000),  # Lincolnshire
    "QPM": (455_000, 235_000, 500_000, 295_000),  # Northamptonshire
    "QT1": (445_000, 325_000, 480_000, 380_000),  # Nottingham, Nottinghamshire
    "QOC": (320_000, 280_000, 380_000, 345_000),  # Shropshire, Telford
    "QNC": (370_000, 300_000, 420_000, 360_000),  # Stoke-on-Trent, Staffordshire
    "QOQ": (425_000, 410_000, 540_000, 500_000),  # Hull, York, North Yorkshire, North Lincolnshire
    "QHM": (320_000, 500_000, 470_000, 630_000),  # Tyne and Wear, Durham, Teesside, Northumberland, Carlisle
    "QF7": (425_000, 380_000, 470_000, 420_000),  # Sheffield, Rotherham, Barnsley, Doncaster
    "QWO": (400_000, 410_000, 450_000, 455_000),  # Leeds, Bradford, Kirklees, Calderdale, Wakefield
    "QYG": (320_000, 350_000, 395_000, 400_000),  # Liverpool, Wirral, Cheshire
    "QOP": (365_000, 385_000, 400_000, 420_000),  # Greater Manchester
    "QE1": (320_000, 410_000, 390_000, 500_000),  # Lancashire, Blackpool, Barrow, Kendal
    "QU9": (425_000, 165_000, 500_000, 245_000),  # Oxfordshire, Buckinghamshire, Reading
    "QNQ": (480_000, 150_000, 500_000, 185_000),  # Slough, Bracknell, Farnborough, Camberley
    "QRL": (410_000, 80_000, 480_000, 165_000),  # Hampshire, Southampton, Portsmouth, Isle of Wight
    "QKS": (550_000, 130_000, 640_000, 180_000),  # Kent, Medway
    "QXU": (495_000, 135_000, 535_000, 170_000),  # Guildford, Woking, Epsom, Redhill
    "QNX": (475_000, 100_000, 580_000, 140_000),  # Brighton, Crawley, Eastbourne, Chichester
    "QOX": (360_000, 120_000, 435_000, 195_000),  # Bath, Swindon, Wiltshire
    "QUY": (335_000, 160_000, 375_000, 195_000),  # Bristol, North Somerset, South Gloucestershire
    "QT6": (150_000, 30_000, 240_000, 110_000),  # Cornwall
    "QJK": (220_000, 45_000, 335_000, 150_000),  # Devon, Plymouth, Torbay
    "QVV": (360_000, 75_000, 420_000, 120_000),  # Dorset, Bournemouth, Poole
    "QR1": (365_000, 195_000, 420_000, 240_000),  # Gloucestershire
    "QSL": (280_000, 105_000, 375_000, 160_000),  # Somerset
}
# Postcode areas covering each ICB, most used first.
ICB_POSTCODE_AREAS = {
    "QHG": ("MK", "LU", "SG"),
    "QUE": ("CB", "PE"),
    "QM7": ("AL", "SG", "WD", "HP", "EN", "CM"),
    "QH8": ("CM", "SS", "RM"),
    "QMM": ("NR", "PE"),
    "QJG": ("IP", "CO", "CB"),
    "QMJ": ("N", "NW", "EN"),
    "QMF": ("E", "IG", "RM"),
    "QRV": ("W", "NW", "HA", "UB", "TW"),
    "QKK": ("SE", "BR", "DA"),
    "QWE": ("SW", "CR", "SM", "KT", "TW"),
    "QHL": ("B",),
    "QUA": ("WV", "DY", "WS", "B"),
    "QWU": ("CV", "B"),
    "QJ2": ("DE", "S", "SK"),
    "QGH": ("WR", "HR", "DY", "B"),
    "QK1": ("LE",),
    "QJM": ("LN", "PE", "NG", "DN"),
    "QPM": ("NN",),
    "QT1": ("NG",),
    "QOC": ("SY", "TF"),
    "QNC": ("ST", "WS", "DE"),
    "QOQ": ("HU", "YO", "DN", "HG"),
    "QHM": ("NE", "SR", "DH", "TS", "DL", "CA"),
    "QF7": ("S", "DN"),
    "QWO": ("LS", "BD", "HD", "HX", "WF"),
    "QYG": ("L", "CH", "CW", "WA"),
    "QOP": ("M", "BL", "OL", "SK", "WN"),
    "QE1": ("PR", "BB", "FY", "LA"),
    "QU9": ("OX", "HP", "RG", "MK"),
    "QNQ": ("GU", "SL", "RG"),
    "QRL": ("SO", "PO", "RG", "GU"),
    "QKS": ("ME", "CT", "TN", "DA"),
    "QXU": ("GU", "KT", "RH"),
    "QNX": ("BN", "RH", "TN", "PO"),
    "QOX": ("SN", "BA", "SP"),
    "QUY": ("BS",),
    "QT6": ("TR", "PL"),
    "QJK": ("EX", "PL", "TQ"),
    "QVV": ("DT", "BH"),
    "QR1": ("GL",),
    "QSL": ("TA", "BA"),
}
# Postcode districts in use, where they are not 1 to 9 (SO1-SO13 were retired; HX stops at HX7).
POSTCODE_DISTRICTS = {
    "B": (1, 45),
    "M": (1, 40),
    "S": (1, 40),
    "L": (1, 36),
    "NE": (1, 40),
    "LS": (1, 28),
    "E": (1, 18),
    "N": (1, 22),
    "SE": (1, 28),
    "SW": (1, 20),
    "W": (2, 14),
    "SO": (14, 53),
    "WD": (3, 7),
    "HG": (1, 5),
    "HX": (1, 7),
    "LU": (1, 7),
    "SM": (1, 7),
    "SR": (1, 8),
    "FY": (1, 8),
    "WN": (1, 8),
    "BR": (1, 8),
}
POSTCODE_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the inward code never uses C, I, K, M, O or V

# Authorities with very few primary schools (the City of London and the Isles of Scilly have one each).
LA_WEIGHT_OVERRIDES = {"201": 0.02, "420": 0.02}
COUNCIL_NAME_OVERRIDES = {
    "201": "City of London Corporation",
    "420": "Council of the Isles of Scilly",
    "203": "Royal Borough of Greenwich",
    "207": "Royal Borough of Kensington and Chelsea",
    "213": "Westminster City Council",
    "314": "Royal Borough of Kingston upon Thames",
}

# GIAS's TypeOfEstablishment names, weighted roughly as England's primary schools are.
SCHOOL_TYPES = {
    "Community school": 33,
    "Academy converter": 30,
    "Voluntary aided school": 11,
    "Voluntary controlled school": 10,
    "Academy sponsor led": 9,
    "Foundation school": 4,
    "Free schools": 3,
}
# Name patterns per type: (pattern, weight, kind of school); {place}, {ce} and {rc} are filled in below.
SCHOOL_NAME_PATTERNS = {
    "Community school": [
        ("{place} Primary School", 6, "primary"),
        ("{place} Community Primary School", 2, "primary"),
        ("{place} Primary and Nursery School", 1, "primary with nursery"),
        ("{place} Infant School", 1, "infant"),
        ("{place} Infant and Nursery School", 1, "infant with nursery"),
        ("{place} Junior School", 1, "junior"),
    ],
    "Academy converter": [
        ("{place} Primary School", 3, "primary"),
        ("{place} Primary Academy", 2, "primary"),
        ("{place} Academy", 1, "primary"),
        ("{ce} Church of England Primary Academy", 1, "primary"),
        ("{rc} Catholic Primary School, A Voluntary Academy", 1, "primary"),
        ("{place} Infant Academy", 1, "infant"),
        ("{place} Junior Academy", 1, "junior"),
    ],
    "Voluntary aided school": [
        ("{rc} Catholic Primary School", 4, "primary"),
        ("{ce} Church of England Primary School", 3, "primary"),
        ("{rc} RC Primary School", 1, "primary"),
        ("{ce} CofE Infant School", 1, "infant"),
    ],
    "Voluntary controlled school": [
        ("{place} Church of England Primary School", 3, "primary"),
        ("{ce} Church of England Primary School", 2, "primary"),
        ("{place} CofE Infant School", 1, "infant"),
        ("{ce} CofE Junior School", 1, "junior"),
    ],
    "Academy sponsor led": [
        ("{place} Primary Academy", 3, "primary"),
        ("{place} Community Primary Academy", 1, "primary"),
        ("{place} Academy", 1, "primary"),
    ],
    "Foundation school": [
        ("{place} Primary School", 3, "primary"),
        ("{place} Infant School", 1, "infant"),
        ("{place} Junior School", 1, "junior"),
    ],
    "Free schools": [
        ("{place} Primary School", 1, "primary"),
        ("{place} Free School", 1, "primary"),
    ],
}
# Establishment numbers (the last 4 digits of the DfE number) as LAs number their primary schools.
ESTABLISHMENT_NUMBERS = {
    "Community school": (2000, 2999),
    "Voluntary controlled school": (3000, 3299),
    "Voluntary aided school": (3300, 3799),
    "Foundation school": (5200, 5299),
    "Academy converter": (2000, 3999),
    "Academy sponsor led": (2000, 3999),
    "Free schools": (2000, 2999),
}
# Statutory ages and a (smallest, largest, most usual) number of pupils per kind of school.
SCHOOL_KINDS = {
    "primary": (4, 11, (100, 630, 240)),
    "primary with nursery": (3, 11, (150, 630, 300)),
    "infant": (4, 7, (80, 360, 180)),
    "infant with nursery": (3, 7, (100, 380, 200)),
    "junior": (7, 11, (120, 480, 250)),
}

PLACE_STEMS = (
    "Oak", "Ash", "Elm", "Beech", "Birch", "Holly", "Willow", "Hazel", "Thorn", "Rowan", "Brook", "Mill",
    "Church", "Castle", "Green", "Meadow", "Moor", "Hill", "Stone", "Bridge", "Spring", "Kings", "Queens",
    "Fair", "Long", "Broad", "High", "Marsh", "Heath", "Fern", "Lark", "Red", "White", "Black", "Wood",
    "Orchard", "Park", "Lime", "Cherry", "Haw", "Bram", "Cole", "Lang", "North", "South", "East", "West",
    "Sand", "Well", "Ridge", "Wheat", "Barley", "Rye", "Hay", "Cross", "Chapel", "Grange", "Lea", "Swan",
)  # fmt: skip
PLACE_ENDINGS = (
    "field", "side", "wood", "dale", "hill", "croft", "lands", "bridge", "mead", "ford", "gate", "lea",
    "moor", "bank", "crest", "view", "grove", "well", "brook", "combe", "hurst", "ley", "stead", "worth",
    "ton", "bury", "by", "thorpe", "ham", "wick",
)  # fmt: skip
STREET_KINDS = ("Road", "Lane", "Street", "Avenue", "Close", "Drive", "Way", "Crescent", "Grove")
CHURCH_OF_ENGLAND_DEDICATIONS = (
    "St Anne's", "St Mary's", "St Peter's", "St Paul's", "St John's", "St Michael's", "St Andrew's",
    "St George's", "St Margaret's", "St James'", "St Matthew's", "St Luke's", "St Mark's", "St Chad's",
    "St Helen's", "St Nicholas", "St Oswald's", "St Wilfrid's", "St Lawrence", "St Barnabas", "Holy Trinity",
    "Christ Church", "All Saints", "St Stephen's", "St Bartholomew's", "St Leonard's",
)  # fmt: skip
CATHOLIC_DEDICATIONS = (
    "St Joseph's", "St Bernadette's", "St Teresa's", "Holy Family", "Our Lady's", "Sacred Heart",
    "St Francis", "St Augustine's", "St Bede's", "St Cuthbert's", "St Patrick's", "St Thomas More",
    "St Edmund's", "St Mary's", "St Anne's", "St Peter and St Paul", "English Martyrs", "St Vincent's",
    "Corpus Christi", "St Catherine's",
)  # fmt: skip
FIRST_NAMES = (
    "Amelia", "Olivia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Lily", "Hannah", "Chloe", "Priya",
    "Aisha", "Fatima", "Zara", "Maryam", "Sarah", "Rachel", "Claire", "Helen", "Joanne", "Nicola", "Gemma",
    "Laura", "Kirsty", "Siobhan", "Bethan", "Niamh", "Ewa", "Agnieszka", "Funmi", "Amara", "Mei", "Anjali",
    "Oliver", "George", "Harry", "Jack", "Noah", "Leo", "Arthur", "Oscar", "Mohammed", "Yusuf", "Ibrahim",
    "Rahul", "Arjun", "James", "Thomas", "Daniel", "Matthew", "David", "Andrew", "Mark", "Paul", "Richard",
    "Gareth", "Rhys", "Callum", "Ciaran", "Tomasz", "Kwame", "Tunde", "Wei", "Sanjay", "Imran", "Declan",
)  # fmt: skip
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
    "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott",
    "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly",
    "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
    "Richards", "Khan", "Ali", "Ahmed", "Hussain", "Begum", "Shah", "Singh", "Kaur", "Chowdhury", "Mistry",
    "Okafor", "Adeyemi", "Mensah", "Nowak", "Kowalski", "Chen", "Wong", "O'Brien", "McDonald", "Campbell",
    "Stewart", "Fraser", "Doherty", "Byrne", "Lloyd", "Pritchard", "Fletcher", "Barker", "Holmes", "Dixon",
)  # fmt: skip
# How often each discipline appears among an ICB's specialists beyond the first of each.
DISCIPLINE_WEIGHTS = {
    Discipline.OCCUPATIONAL_THERAPY: 3,
    Discipline.SPEECH_AND_LANGUAGE_THERAPY: 3,
    Discipline.MENTAL_HEALTH: 2,
    Discipline.EDUCATIONAL_PSYCHOLOGY: 2,
    Discipline.SPECIALIST_NURSING: 1,
    Discipline.SPECIALIST_TEACHING: 2,
}
# Employers by discipline: {area} is an authority's area, {council} its council, {place} a generated place.
EMPLOYERS = {
    Discipline.OCCUPATIONAL_THERAPY: (
        "{area} NHS Foundation Trust",
        "{area} Community Healthcare NHS Trust",
        "{place} Therapy Partnership",
    ),
    Discipline.SPEECH_AND_LANGUAGE_THERAPY: (
        "{area} Community Healthcare NHS Trust",
        "{area} NHS Foundation Trust",
        "{place} Speech and Language Therapy",
    ),
    Discipline.MENTAL_HEALTH: ("{area} Partnership NHS Foundation Trust", "{area} NHS Foundation Trust"),
    Discipline.EDUCATIONAL_PSYCHOLOGY: ("{council}",),
    Discipline.SPECIALIST_NURSING: ("{area} Community Healthcare NHS Trust", "{area} NHS Foundation Trust"),
    Discipline.SPECIALIST_TEACHING: ("{council}", "{place} Learning Trust"),
}
# Why specialists are away: (reason, weight, shortest and longest run of working days).
UNAVAILABILITY_REASONS = (
    ("Annual leave", 5, (5, 5)),
    ("Training course", 2, (1, 2)),
    ("Clinic commitments", 1, (1, 1)),
)
SCHOOL_EVENTS = (
    # (description, working days, window as (month, day) pairs within the school year)
    ("Year 6 residential trip", 3, ((6, 14), (7, 9))),
    ("Sports day", 1, ((6, 14), (7, 9))),
    ("Christmas performances", 2, ((12, 7), (12, 18))),
    ("Whole-school trip", 1, ((5, 17), (7, 2))),
)
# Windows where schools put single INSET days, as (month, day) pairs; the first day of term is one more.
INSET_WINDOWS = (
    ((10, 19), (11, 6)),  # around autumn half term
    ((1, 4), (1, 8)),  # first days of the spring term
    ((2, 15), (2, 26)),  # around February half term
    ((4, 12), (4, 23)),  # start of the summer term
    ((6, 1), (6, 11)),  # after the late May half term
    ((7, 9), (7, 16)),  # end of the summer term
)

# Visits: how many days each school has booked (in half days), and how its visits come to be in each state.
VISIT_HALF_DAYS = (4, 10)  # 2 to 5 days, never above the 5-day quota
FULL_DAY_SHARE = 0.55  # of a school's visits, the rest being mornings or afternoons
CAPACITY_BOOKED_SHARE = Decimal("0.85")  # at large scales, schools share out this much of their ICB's capacity
PLACING_ATTEMPTS = 10  # dates tried for a visit within its part of the year, then as many anywhere
CANCELLED_SHARE = 0.07  # of past visits, each rearranged for a later date
CONFIRMED_SHARE_SOON, CONFIRMED_SHARE_LATER = 0.8, 0.3  # future visits, within four weeks and beyond
# Purposes of visits by discipline: (purpose, activities with the main one first, staff reached, outcome note).
VISIT_PURPOSES = {
    Discipline.OCCUPATIONAL_THERAPY: (
        (
            "Sensory audit of the reception classrooms",
            (Activity.CLASSROOM_OBSERVATION, Activity.RESOURCES_OR_PLANS, Activity.STAFF_CONSULTATION),
            (3, 10),
            "Audit of the reception classrooms with the early years lead; a short list of low-cost changes to "
            "lighting, noise and seating is with the SENCO.",
        ),
        (
            "Staff training: supporting regulation",
            (Activity.WHOLE_SCHOOL_TRAINING, Activity.RESOURCES_OR_PLANS),
            (12, 40),
            "Twilight training on co-regulation for teachers and teaching assistants; movement-break cards left "
            "for every class.",
        ),
        (
            "Fine motor skills: advice for Key Stage 1 staff",
            (Activity.STAFF_CONSULTATION, Activity.CLASSROOM_OBSERVATION, Activity.RESOURCES_OR_PLANS),
            (3, 12),
            "Observed handwriting lessons in Years 1 and 2 and agreed warm-up activities staff can use daily.",
        ),
        (
            "Setting up a calm space in the school",
            (Activity.RESOURCES_OR_PLANS, Activity.STAFF_CONSULTATION),
            (3, 8),
            "Walked the building with the SENCO and chose a room for a calm space; an equipment list follows.",
        ),
    ),
    Discipline.SPEECH_AND_LANGUAGE_THERAPY: (
        (
            "Communication-friendly classroom audit",
            (Activity.CLASSROOM_OBSERVATION, Activity.RESOURCES_OR_PLANS),
            (3, 10),
            "Audited four classrooms for visual supports and adult talk; the checklist is shared with all staff.",
        ),
        (
            "Staff training: developing children's vocabulary",
            (Activity.WHOLE_SCHOOL_TRAINING, Activity.RESOURCES_OR_PLANS),
            (12, 40),
            "Whole-staff session on teaching tier 2 vocabulary, with word maps for each year group.",
        ),
        (
            "Language screening approach for the early years",
            (Activity.STAFF_CONSULTATION, Activity.RESOURCES_OR_PLANS),
            (3, 8),
            "Agreed a screening routine for the nursery and reception staff and the next steps it leads to.",
        ),
        (
            "Visual timetables and signs across the school",
            (Activity.RESOURCES_OR_PLANS, Activity.WHOLE_SCHOOL_TRAINING, Activity.PARENT_CARER_SESSION),
            (5, 30),
            "Introduced a consistent set of symbols for timetables and signs; parents saw them at the coffee morning.",
        ),
    ),
    Discipline.MENTAL_HEALTH: (
        (
            "Staff training: emotional literacy in the classroom",
            (Activity.WHOLE_SCHOOL_TRAINING, Activity.RESOURCES_OR_PLANS),
            (12, 40),
            "Training on naming and talking about feelings, with check-in routines for the start of the day.",
        ),
        (
            "Whole-school approach to anxiety: planning with senior leaders",
            (Activity.STAFF_CONSULTATION, Activity.RESOURCES_OR_PLANS),
            (3, 8),
            "Planning meeting with the senior team; the school will add a wellbeing strand to its development plan.",
        ),
        (
            "Parent and carer workshop: supporting wellbeing at home",
            (Activity.PARENT_CARER_SESSION, Activity.RESOURCES_OR_PLANS),
            (3, 10),
            "After-school workshop for parents and carers on worries and sleep, run with the family support worker.",
        ),
        (
            "Reflective supervision for pastoral staff",
            (Activity.STAFF_CONSULTATION,),
            (3, 8),
            "Group supervision for the pastoral team; termly sessions agreed.",
        ),
    ),
    Discipline.EDUCATIONAL_PSYCHOLOGY: (
        (
            "Consultation with the SENCO on the graduated approach",
            (Activity.STAFF_CONSULTATION, Activity.RESOURCES_OR_PLANS),
            (3, 8),
            "Reviewed how the school plans, does and reviews support; a simpler support plan template agreed.",
        ),
        (
            "Staff training: precision teaching",
            (Activity.WHOLE_SCHOOL_TRAINING, Activity.RESOURCES_OR_PLANS),
            (10, 35),
            "Training for teaching assistants on short daily precision teaching sessions, with recording sheets.",
        ),
        (
            "Observation of whole-class strategies in Key Stage 2",
            (Activity.CLASSROOM_OBSERVATION, Activity.STAFF_CONSULTATION),
            (3, 10),
            "Observed lessons in Years 3 to 6 and fed back to teachers on chunking tasks and working memory.",
        ),
        (
            "Reviewing the school's SEND provision map",
            (Activity.STAFF_CONSULTATION, Activity.RESOURCES_OR_PLANS),
            (3, 8),
            "Worked through the provision map with the SENCO and headteacher; gaps in Key Stage 1 identified.",
        ),
    ),
    Discipline.SPECIALIST_NURSING: (
        (
            "Staff training: medical needs in the classroom",
            (Activity.WHOLE_SCHOOL_TRAINING, Activity.RESOURCES_OR_PLANS),
            (12, 40),
            "Training on epilepsy, asthma and allergy awareness for all staff, with updated emergency posters.",
        ),
        (
            "Review of the school's health care plan process",
            (Activity.STAFF_CONSULTATION, Activity.RESOURCES_OR_PLANS),
            (3, 6),
            "Reviewed the process for writing and sharing health care plans; a new annual review cycle agreed.",
        ),
        (
            "Toileting and continence in the early years",
            (Activity.STAFF_CONSULTATION, Activity.PARENT_CARER_SESSION, Activity.RESOURCES_OR_PLANS),
            (3, 10),
            "Advice for early years staff on routines and dignity; a leaflet for families is being printed.",
        ),
        (
            "Parent and carer session: sleep and routines",
            (Activity.PARENT_CARER_SESSION, Activity.RESOURCES_OR_PLANS),
            (3, 8),
            "Drop-in session for parents and carers on sleep and routines, run with the school's family worker.",
        ),
    ),
    Discipline.SPECIALIST_TEACHING: (
        (
            "Staff training: adapting teaching for neurodivergent learners",
            (Activity.WHOLE_SCHOOL_TRAINING, Activity.RESOURCES_OR_PLANS),
            (12, 40),
            "Whole-staff training on adaptive teaching, with a one-page checklist for planning lessons.",
        ),
        (
            "Classroom observations: inclusive practice in Years 3 and 4",
            (Activity.CLASSROOM_OBSERVATION, Activity.STAFF_CONSULTATION),
            (3, 10),
            "Observed lessons in Years 3 and 4; strengths in modelling noted and next steps agreed with teachers.",
        ),
        (
            "Coaching teaching assistants on scaffolding",
            (Activity.STAFF_CONSULTATION, Activity.CLASSROOM_OBSERVATION, Activity.RESOURCES_OR_PLANS),
            (4, 15),
            "Coached teaching assistants on prompting without over-helping; peer observations set up.",
        ),
        (
            "Reviewing the school's SEND support plans",
            (Activity.STAFF_CONSULTATION, Activity.RESOURCES_OR_PLANS),
            (3, 6),
            "Reviewed a sample of anonymised support plans with the SENCO; targets are now sharper.",
        ),
    ),
}
OUTCOME_FOLLOW_UPS = (
    "Follow-up agreed for next term.",
    "The SENCO will share the slides with staff who were absent.",
    "Actions added to the school's SEND development plan.",
    "Resources e-mailed to the SENCO after the visit.",
    "",
)
PREPARATIONS = (
    "Book the hall and a projector for a twilight session",
    "A quiet room for conversations with staff",
    "Share the school's SEND information report beforehand",
    "Let class teachers know which lessons will be observed",
    "Release the early years lead for the morning",
    "Invite parents and carers through the school newsletter",
)
# Why visits were cancelled: (reason, the months it happens in or None for any, whether on the day itself).
CANCELLATION_REASONS = (
    ("School closed for snow", (12, 1, 2, 3), True),
    ("School closed: heating failure", (11, 12, 1, 2, 3), True),
    ("Specialist unwell", None, True),
    ("School asked to rearrange: Ofsted inspection that week", None, False),
    ("School asked to rearrange: too many staff absent", None, False),
    ("Specialist needed at an urgent multi-agency meeting", None, False),
)


@dataclasses.dataclass(frozen=True)
class DemoSummary:
    programme_year: ProgrammeYear
    icbs: int
    schools: int
    closure_dates: int
    specialists: int
    unavailabilities: int
    users: int
    visits: int
    outcomes: int


def demo_programme_year(*, today: datetime.date) -> ProgrammeYear:
    """The programme year (unsaved) around a date: school years turn over on 1 August, run from 1 September
    and end on the third Friday of July. Seeded in the summer break, the year stretches to contain today."""
    first = today.year if today.month >= 8 else today.year - 1
    july_first = datetime.date(first + 1, 7, 1)
    third_friday = july_first + datetime.timedelta(days=(4 - july_first.weekday()) % 7 + 14)
    return ProgrammeYear(
        label=f"{first}-{(first + 1) % 100:02d}",
        starts_on=min(datetime.date(first, 9, 1), today),
        ends_on=max(third_friday, today),
        default_quota_days=QUOTA_DAYS,
    )


def demo_blackout_periods(*, programme_year: ProgrammeYear) -> list[BlackoutPeriod]:
    """National assessment weeks as they usually fall; the real dates are published each year."""
    year = programme_year.ends_on.year

    def monday_on_or_after(day: datetime.date) -> datetime.date:
        return day + datetime.timedelta(days=-day.weekday() % 7)

    sats = monday_on_or_after(datetime.date(year, 5, 1)) + datetime.timedelta(weeks=1)
    multiplication = monday_on_or_after(datetime.date(year, 6, 1))
    phonics = monday_on_or_after(datetime.date(year, 6, 8))
    periods = [
        ("Key stage 2 SATs week (demo dates)", sats, sats + datetime.timedelta(days=3)),
        ("Year 4 multiplication tables check (demo dates)", multiplication, multiplication + _days(11)),
        ("Year 1 phonics screening check week (demo dates)", phonics, phonics + _days(4)),
    ]
    return [
        BlackoutPeriod(programme_year=programme_year, name=name, starts_on=starts_on, ends_on=ends_on)
        for name, starts_on, ends_on in periods
        if programme_year.contains(starts_on) and programme_year.contains(ends_on)
    ]


def demo_is_seeded() -> bool:
    return User.objects.with_email(DFE_EMAIL).exists()


@transaction.atomic
def demo_seed(*, seed: int = 1, scale: int = 1, password: str = DEMO_PASSWORD) -> DemoSummary:
    """Build the demo for the programme year containing today: every current ICB with 40 x scale primary
    schools enrolled, 8 to 15 specialists, a coordinator, and a SENCO per school, all sharing one password.
    Each school has 2 to 5 days of visits spread through the year: delivered with an outcome, awaiting one,
    cancelled, confirmed or proposed, as their dates fall before or after today.
    Refuses if the demo (or anything it would create) is already there."""
    if not 1 <= scale <= MAX_SCALE:
        raise RuleBroken(f"The scale must be between 1 and {MAX_SCALE}, not {scale}")
    if not password:
        raise RuleBroken("Give the demo a password")
    today = timezone.localdate()
    year = demo_programme_year(today=today)
    if ProgrammeYear.objects.filter(label=year.label).exists():
        raise RuleBroken(
            f"The programme year {year.label} already exists, so the demo has been seeded (or the year "
            "set up) already. Seed an empty database: for `make run`, delete .pgdata."
        )
    if not ICB.objects.exists():
        reference_data_load()
    icbs = list(ICB.objects.current(on=today).select_related("region").order_by("ods_code"))
    plan = _DemoPlan(seed=seed, scale=scale, year=year, icbs=icbs, now=timezone.now())
    plan.refuse_clashes()
    # One hash for every account: hashing each one would take minutes at national scale.
    return plan.write(password_hash=make_password(password))


def demo_sign_ins(*, password: str = DEMO_PASSWORD) -> list[str]:
    """The demo's sign-ins: one example of each role and the pattern for the rest."""
    lines = ["Demo sign-ins (every account shares the demo password):"]

    def sign_in(role: str, email: str, pattern: str = "") -> None:
        lines.append(f"  {role:<22}{email}")
        if pattern:
            lines.append(f"  {'':<22}{pattern}")

    sign_in("DfE programme staff", DFE_EMAIL)
    sign_in("Programme admin", f"{ADMIN_EMAIL} (also the Django admin at /admin/)")
    coordinators = CoordinatorMembership.objects.filter(user__email__startswith="coordinator.")
    # West Yorkshire's is the example when it is there: it has five whole authorities.
    coordinator = (
        coordinators.filter(icb__ods_code="QWO").select_related("user", "icb").first()
        or coordinators.select_related("user", "icb").order_by("icb__ods_code").first()
    )
    if coordinator:
        sign_in(
            "ICB coordinator",
            f"{coordinator.user.email} ({coordinator.icb.short_name})",
            "every ICB: coordinator.<ODS code in lower case>@example.org",
        )
        senco = (
            SencoMembership.objects.filter(user__email__startswith="senco.", school__icb=coordinator.icb)
            .select_related("user", "school")
            .order_by("school__name")
            .first()
        )
        if senco:
            sign_in("SENCO", f"{senco.user.email} ({senco.school.name})", "every school: senco.<URN>@example.org")
        specialist = (
            Specialist.objects.filter(icb=coordinator.icb, user__email__startswith="specialist.")
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if specialist:
            discipline = specialist.get_discipline_display().lower()
            sign_in(
                "Specialist",
                f"{specialist.user.email} ({specialist.full_name}, {discipline})",
                "every specialist: specialist.<id>@example.org",
            )
    lines.append(f"Demo password: {password}")
    return lines


def _days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def _batches(items: Sequence, size: int = BATCH_SIZE) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _SchoolYearCalendar:
    """The programme year's working days (weekdays that are not bank holidays in England)."""

    def __init__(self, year: ProgrammeYear):
        self.year = year
        bank_holidays = holidays.country_holidays(
            "GB", subdiv="ENG", years=range(year.starts_on.year, year.ends_on.year + 1)
        )
        day, self.days = year.starts_on, []
        while day <= year.ends_on:
            if day.weekday() < 5 and day not in bank_holidays:
                self.days.append(day)
            day += _days(1)
        self.index = {day: position for position, day in enumerate(self.days)}
        self._windows: dict[tuple, list[datetime.date]] = {}  # asked for once per school: worth keeping
        good_fridays = [day for day, name in bank_holidays.items() if name == "Good Friday"]
        self.term_days = [day for day in self.days if day not in self._school_holidays(good_fridays)]

    def _school_holidays(self, good_fridays: list[datetime.date]) -> set[datetime.date]:
        """The usual half terms and holidays (each authority sets its own): where visits are not planned."""
        first, second = self.year.starts_on.year, self.year.ends_on.year
        july_first = datetime.date(second, 7, 1)
        end_of_term = july_first + _days((4 - july_first.weekday()) % 7 + 14)  # the third Friday
        october_31 = datetime.date(first, 10, 31)
        late_may = datetime.date(second, 5, 31)
        february_13 = datetime.date(second, 2, 13)
        breaks = [
            (self.year.starts_on, datetime.date(first, 8, 31)),  # before term starts, when seeded in the summer
            (october_31 - _days(october_31.weekday()), None),  # the last week of October
            (datetime.date(first, 12, 21), datetime.date(second, 1, 3)),
            (february_13 + _days(-february_13.weekday() % 7), None),  # mid-February
            *((good_friday - _days(4), good_friday + _days(7)) for good_friday in good_fridays),
            (late_may - _days(late_may.weekday()), None),  # the week of the late May bank holiday
            (end_of_term + _days(1), self.year.ends_on),  # after term ends, when seeded in the summer
        ]
        days = set()
        for starts_on, ends_on in breaks:
            day, ends_on = starts_on, ends_on or starts_on + _days(4)
            while day <= ends_on:
                days.add(day)
                day += _days(1)
        return days

    def date(self, month: int, day: int) -> datetime.date:
        """A month and day in the school year: September to December in its first calendar year."""
        calendar_year = self.year.starts_on.year if month >= 8 else self.year.ends_on.year
        return datetime.date(calendar_year, month, day)

    def working_days(self, window: tuple[tuple[int, int], tuple[int, int]]) -> list[datetime.date]:
        if window not in self._windows:
            starts_on, ends_on = self.date(*window[0]), self.date(*window[1])
            self._windows[window] = [day for day in self.days if starts_on <= day <= ends_on]
        return self._windows[window]

    def run_from(self, day: datetime.date, count: int) -> list[datetime.date]:
        """`count` consecutive working days from `day` (fewer at the end of the year)."""
        position = self.index[day]
        return self.days[position : position + count]


class _DemoPlan:
    """Everything the demo writes, generated in memory first so it can be checked and written in bulk."""

    def __init__(self, *, seed: int, scale: int, year: ProgrammeYear, icbs: list[ICB], now: datetime.datetime):
        self.seed, self.scale, self.year, self.icbs, self.now = seed, scale, year, icbs, now
        self.calendar = _SchoolYearCalendar(year)
        self.blackout_periods = demo_blackout_periods(programme_year=year)
        self.schools: list[School] = []
        self.continuing: set[int] = set()  # URNs of schools continuing from last year
        self.closure_dates: list[ClosureDate] = []
        self.sencos: dict[int, str] = {}  # URN -> full name
        self.coordinators: dict[str, str] = {}  # ODS code -> full name
        self.specialists: list[Specialist] = []
        self.capacities: list[Capacity] = []
        self.unavailabilities: list[Unavailability] = []
        self.visits: list[_PlannedVisit] = []
        self.allocated_days: dict[int, Decimal] = {}  # URN -> days of visits not cancelled
        self.staff_names: list[str] = []
        self.users: list[User] = []
        self._lineages = _lineages(icbs)
        self._authorities = self._authorities_by_icb()
        self._establishment_numbers: dict[str, set[int]] = {}
        self._closed_days: dict[int, set[datetime.date]] = {}  # URN -> days the school is closed
        self._plan()

    def _authorities_by_icb(self) -> dict[str, list[LocalAuthority]]:
        """Each ICB's whole authorities; an ICB with none (QJG, QM7, QXU) uses the split authorities whose
        note names it or an ICB it succeeded."""
        authorities = list(LocalAuthority.objects.order_by("dfe_code"))
        by_icb = {}
        for icb in self.icbs:
            whole = [authority for authority in authorities if authority.icb_id == icb.pk]
            codes = "|".join(re.escape(code) for code in self._lineages[icb.ods_code])
            by_icb[icb.ods_code] = whole or [
                authority
                for authority in authorities
                if authority.icb_id is None and re.search(rf"\b({codes})\b", authority.note)
            ]
            if not by_icb[icb.ods_code]:
                raise RuleBroken(f"No local authority lies in {icb.ods_code}: load the reference data first")
        return by_icb

    def _plan(self) -> None:
        per_icb = SCHOOLS_PER_ICB * self.scale
        # URNs are unique nationally, so they come from one draw rather than from each ICB's generator.
        urns = random.Random(f"pins-demo:{self.seed}:urns").sample(
            range(100_000, max(150_000, 100_000 + 3 * per_icb * len(self.icbs))), per_icb * len(self.icbs)
        )
        next_specialist_id = (Specialist.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        for number, icb in enumerate(self.icbs):
            # One generator per ICB: an ICB's schools do not change when another ICB merges or is added.
            rng = random.Random(f"pins-demo:{self.seed}:{icb.ods_code}")
            self.coordinators[icb.ods_code] = _person_name(rng)
            schools, specialists, absences = len(self.schools), len(self.specialists), len(self.unavailabilities)
            self._plan_schools(rng, icb=icb, urns=urns[number * per_icb : (number + 1) * per_icb])
            next_specialist_id = self._plan_specialists(rng, icb=icb, first_id=next_specialist_id)
            # Visits have generators of their own, so that planning them changes nothing planned before them,
            # and their times another, so that the time of day seeding changes the times and nothing else.
            schedule = _IcbSchedule(
                random.Random(f"pins-demo:{self.seed}:{icb.ods_code}:visits"),
                random.Random(f"pins-demo:{self.seed}:{icb.ods_code}:visit-times"),
                icb=icb,
                calendar=self.calendar,
                now=self.now,
                blackout_periods=self.blackout_periods,
                schools=self.schools[schools:],
                closed_days=self._closed_days,
                specialists=self.specialists[specialists:],
                capacities=self.capacities[specialists:],
                absences=self.unavailabilities[absences:],
            )
            self.visits += schedule.visits
            self.allocated_days.update(schedule.allocated_days)
        staff_rng = random.Random(f"pins-demo:{self.seed}:staff")
        self.staff_names = [_person_name(staff_rng), _person_name(staff_rng)]

    def _plan_schools(self, rng: random.Random, *, icb: ICB, urns: list[int]) -> None:
        authorities = self._authorities[icb.ods_code]
        weights = [_authority_weight(authority) for authority in authorities]
        area, region_bounds = self._area(icb), REGION_BOUNDS.get(icb.region.name)
        postcode_areas = self._postcode_areas(icb)
        names: set[str] = set()
        for urn in urns:
            school_type = _weighted(rng, SCHOOL_TYPES)
            name, kind = _school_name(rng, school_type=school_type)
            for attempt in itertools.count():
                if name not in names:  # names repeat across England, but not within one ICB
                    break
                name, kind = _school_name(rng, school_type=school_type)
                if attempt >= 5:  # as GIAS tells its many St Mary's apart
                    name = f"{name}, {_place(rng)}"
            names.add(name)
            authority = rng.choices(authorities, weights=weights)[0]
            low_age, high_age, pupils = SCHOOL_KINDS[kind]
            easting, northing = _point(rng, area=area, bounds=region_bounds)
            establishment_number = self._establishment_number(rng, authority, school_type)
            self.schools.append(
                School(
                    urn=urn,
                    dfe_number=f"{authority.dfe_code}{establishment_number}",
                    name=name,
                    local_authority=authority,
                    icb=icb,
                    phase="Primary",
                    type=school_type,
                    status="Open",
                    street=f"{rng.choice(PLACE_STEMS)}{rng.choice(PLACE_ENDINGS)} {rng.choice(STREET_KINDS)}",
                    town=_place(rng),
                    postcode=_postcode(rng, areas=postcode_areas),
                    easting=easting,
                    northing=northing,
                    statutory_low_age=low_age,
                    statutory_high_age=high_age,
                    pupil_count=round(rng.triangular(*pupils)),
                    opened_on=_opened_on(rng, school_type=school_type),
                )
            )
            self.sencos[urn] = _person_name(rng)
            closures = self._closure_dates(rng, urn=urn)
            self.closure_dates += closures
            self._closed_days[urn] = {
                closure.starts_on + _days(offset)
                for closure in closures
                for offset in range((closure.ends_on - closure.starts_on).days + 1)
            }
        continuing = round(len(urns) * CONTINUING_SHARE)
        self.continuing.update(rng.sample(urns, continuing))

    def _establishment_number(self, rng: random.Random, authority: LocalAuthority, school_type: str) -> int:
        used = self._establishment_numbers.setdefault(authority.dfe_code, set())
        low, high = ESTABLISHMENT_NUMBERS[school_type]
        drawn = rng.randint(low, high)
        # The next free number after the one drawn; any free primary number once the type's range is full.
        for number in itertools.chain(range(drawn, high + 1), range(low, drawn), range(2000, 10_000)):
            if number not in used:
                used.add(number)
                return number
        raise RuleBroken(f"{authority.name} has no establishment numbers left: seed a smaller scale")

    def _closure_dates(self, rng: random.Random, *, urn: int) -> list[ClosureDate]:
        """Five INSET days (the first day or two of term, the rest spread through the year) and an event."""
        calendar = self.calendar
        first_day = next(day for day in calendar.days if day >= calendar.date(9, 1))
        first_days = calendar.run_from(first_day, rng.choice((1, 2)))
        runs = [first_days]
        windows = [days for days in map(calendar.working_days, INSET_WINDOWS) if days]
        for days in rng.sample(windows, min(len(windows), 5 - len(first_days))):
            runs.append([rng.choice(days)])
        closures = [
            ClosureDate(
                school_id=urn,
                kind=ClosureDate.Kind.INSET,
                starts_on=run[0],
                ends_on=run[-1],
                description="INSET days" if len(run) > 1 else "INSET day",
            )
            for run in runs
        ]
        description, length, window = rng.choice(SCHOOL_EVENTS)
        if days := calendar.working_days(window):
            run = calendar.run_from(rng.choice(days), length)
            closures.append(
                ClosureDate(
                    school_id=urn,
                    kind=ClosureDate.Kind.EVENT,
                    starts_on=run[0],
                    ends_on=run[-1],
                    description=description,
                )
            )
        return closures

    def _plan_specialists(self, rng: random.Random, *, icb: ICB, first_id: int) -> int:
        """8 to 15 specialists for every 40 schools, at least one of each discipline, so a larger scale keeps
        enough capacity for every school's days. Ids are given here, so that their e-mail addresses
        (specialist.<id>@example.org) are the same each time the demo is seeded."""
        count = rng.randint(8, 15) * self.scale
        disciplines = list(Discipline) + [_weighted(rng, DISCIPLINE_WEIGHTS) for _ in range(count - 6)]
        rng.shuffle(disciplines)
        authorities = self._authorities[icb.ods_code]
        weights = [_authority_weight(authority) for authority in authorities]
        area, region_bounds = self._area(icb), REGION_BOUNDS.get(icb.region.name)
        postcode_areas = self._postcode_areas(icb)
        for specialist_id, discipline in enumerate(disciplines, start=first_id):
            authority = rng.choices(authorities, weights=weights)[0]
            easting, northing = _point(rng, area=area, bounds=region_bounds)
            specialist = Specialist(
                pk=specialist_id,
                full_name=_person_name(rng),
                discipline=discipline,
                employer=rng.choice(EMPLOYERS[discipline]).format(
                    area=_area_name(authority), council=_council_name(authority), place=_place(rng)
                ),
                icb=icb,
                email=specialist_email(specialist_id=specialist_id),
                base_postcode=_postcode(rng, areas=postcode_areas),
                easting=easting,
                northing=northing,
            )
            self.specialists.append(specialist)
            self.capacities.append(
                Capacity(
                    specialist_id=specialist_id,
                    programme_year=self.year,
                    days=Decimal(rng.randint(60, 120)) / 2,
                )
            )
            for _ in range(rng.randint(0, 3)):
                reason, _, lengths = rng.choices(
                    UNAVAILABILITY_REASONS, weights=[weight for _, weight, _ in UNAVAILABILITY_REASONS]
                )[0]
                run = self.calendar.run_from(rng.choice(self.calendar.days), rng.randint(*lengths))
                self.unavailabilities.append(
                    Unavailability(specialist_id=specialist_id, starts_on=run[0], ends_on=run[-1], reason=reason)
                )
        return first_id + count

    def _area(self, icb: ICB) -> tuple[int, int, int, int] | None:
        """The box an ICB's schools lie in; a successor covers its predecessors' boxes."""
        boxes = [ICB_AREAS[code] for code in self._lineages[icb.ods_code] if code in ICB_AREAS]
        if not boxes:
            return REGION_BOUNDS.get(icb.region.name)
        west, south, east, north = zip(*boxes, strict=True)
        return min(west), min(south), max(east), max(north)

    def _postcode_areas(self, icb: ICB) -> tuple[str, ...]:
        codes = self._lineages[icb.ods_code]
        areas = [area for code in codes for area in ICB_POSTCODE_AREAS.get(code, ())]
        return tuple(dict.fromkeys(areas)) or ("LS",)

    def _user(self, email: str, full_name: str, **flags) -> User:
        user = User(email=email, full_name=full_name, **flags)
        self.users.append(user)
        return user

    def refuse_clashes(self) -> None:
        """Refuse, rather than duplicate, when accounts or schools the demo would create already exist."""
        emails = [DFE_EMAIL, ADMIN_EMAIL]
        emails += [coordinator_email(icb=icb) for icb in self.icbs]
        emails += [senco_email(urn=school.urn) for school in self.schools]
        emails += [specialist.email for specialist in self.specialists]
        for batch in _batches(emails):
            if clash := User.objects.filter(email__in=batch).values_list("email", flat=True).first():
                raise RuleBroken(
                    f"The demo has been seeded already: an account for {clash} exists. "
                    "Seed an empty database: for `make run`, delete .pgdata."
                )
        for batch in _batches([school.urn for school in self.schools]):
            if clash := School.objects.filter(urn__in=batch).values_list("urn", flat=True).first():
                raise RuleBroken(f"A school with the URN {clash} exists already: seed the demo into an empty database")

    def write(self, *, password_hash: str) -> DemoSummary:
        year = self.year
        year.save()
        BlackoutPeriod.objects.bulk_create(self.blackout_periods)
        cohorts = {
            support: Cohort.objects.create(programme_year=year, name=name)
            for support, name in (
                (Enrolment.Support.CONTINUING, "Continuing schools"),
                (Enrolment.Support.NEW, "New schools"),
            )
        }
        School.objects.bulk_create(self.schools, batch_size=BATCH_SIZE)
        enrolments = []
        for school in self.schools:
            support = Enrolment.Support.CONTINUING if school.urn in self.continuing else Enrolment.Support.NEW
            enrolments.append(
                Enrolment(
                    school_id=school.urn,
                    programme_year=year,
                    cohort=cohorts[support],
                    icb=school.icb,
                    support=support,
                    status=Enrolment.Status.ENROLLED,
                    quota_days=year.default_quota_days,
                    allocated_days=self.allocated_days.get(school.urn, Decimal("0")),
                )
            )
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH_SIZE)
        ClosureDate.objects.bulk_create(self.closure_dates, batch_size=BATCH_SIZE)

        dfe = self._user(DFE_EMAIL, self.staff_names[0])
        admin = self._user(ADMIN_EMAIL, self.staff_names[1], is_staff=True, is_superuser=True)
        coordinators = {
            icb: self._user(coordinator_email(icb=icb), self.coordinators[icb.ods_code]) for icb in self.icbs
        }
        sencos = {urn: self._user(senco_email(urn=urn), name) for urn, name in self.sencos.items()}
        specialists = [self._user(specialist.email, specialist.full_name) for specialist in self.specialists]
        joined = timezone.now()
        for user in self.users:
            user.password, user.date_joined = password_hash, joined
        User.objects.bulk_create(self.users, batch_size=BATCH_SIZE)

        StaffMembership.objects.bulk_create(
            [
                StaffMembership(user=dfe, role=StaffMembership.Role.DFE_STAFF),
                StaffMembership(user=admin, role=StaffMembership.Role.PROGRAMME_ADMIN),
            ]
        )
        CoordinatorMembership.objects.bulk_create(
            CoordinatorMembership(user=user, icb=icb) for icb, user in coordinators.items()
        )
        SencoMembership.objects.bulk_create(
            (SencoMembership(user=user, school_id=urn) for urn, user in sencos.items()), batch_size=BATCH_SIZE
        )
        for specialist, user in zip(self.specialists, specialists, strict=True):
            specialist.user = user
        Specialist.objects.bulk_create(self.specialists, batch_size=BATCH_SIZE)
        # The ids were given above: move the id sequence past them, as loaddata does.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Specialist]):
                cursor.execute(sql)
        Capacity.objects.bulk_create(self.capacities, batch_size=BATCH_SIZE)  # allocated days counted in the plan
        Unavailability.objects.bulk_create(self.unavailabilities, batch_size=BATCH_SIZE)
        outcomes = self._write_visits(
            enrolments=enrolments,
            coordinators={icb.ods_code: user for icb, user in coordinators.items()},
            sencos=sencos,
            specialists={specialist.pk: user for specialist, user in zip(self.specialists, specialists, strict=True)},
        )
        # The visits were written in bulk, so their counters are set from them, as the services would keep them.
        visit_counters_recount(enrolments=Enrolment.objects.filter(programme_year=year))
        return DemoSummary(
            programme_year=year,
            icbs=len(self.icbs),
            schools=len(self.schools),
            closure_dates=len(self.closure_dates),
            specialists=len(self.specialists),
            unavailabilities=len(self.unavailabilities),
            users=len(self.users),
            visits=len(self.visits),
            outcomes=outcomes,
        )

    def _write_visits(
        self,
        *,
        enrolments: list[Enrolment],
        coordinators: dict[str, User],
        sencos: dict[int, User],
        specialists: dict[int, User],
    ) -> int:
        """Write the visits with their history (proposed, then confirmed, then delivered or cancelled, each by
        whoever did it) and their outcomes. Returns how many outcomes."""
        enrolment_ids = {enrolment.school_id: enrolment.pk for enrolment in enrolments}
        for planned in self.visits:
            visit, coordinator = planned.visit, coordinators[planned.ods_code]
            visit.enrolment_id, visit.created_by_id = enrolment_ids[planned.urn], coordinator.pk
            if visit.confirmed_at:
                visit.confirmed_by_id = (sencos[planned.urn] if planned.confirmed_by_senco else coordinator).pk
            if visit.cancelled_at:
                visit.cancelled_by_id = coordinator.pk
        # The triggers would date every event now: the demo writes its visits' past events itself.
        paused = [f"specialists.{model}:{trigger}" for model in ("Visit", "Outcome") for trigger in PAUSED]
        with pgtrigger.ignore(*paused):
            outcomes = self._write_visits_and_events(coordinators=coordinators, sencos=sencos, specialists=specialists)
        return outcomes

    def _write_visits_and_events(
        self, *, coordinators: dict[str, User], sencos: dict[int, User], specialists: dict[int, User]
    ) -> int:
        Visit.objects.bulk_create([planned.visit for planned in self.visits], batch_size=BATCH_SIZE)

        created, changed, outcomes = [], [], []
        for planned in self.visits:
            visit, coordinator = planned.visit, coordinators[planned.ods_code]
            visit.created_at = planned.proposed_at  # auto_now_add wrote the time of seeding: see below
            proposed = _visit_as(
                visit,
                coordinator,
                planned.proposed_at,
                status=Visit.Status.PROPOSED,
                version=1,
                confirmed_at=None,
                confirmed_by_id=None,
                cancelled_at=None,
                cancelled_by_id=None,
                cancellation_reason="",
            )
            created.append(proposed)
            confirmer = sencos[planned.urn] if planned.confirmed_by_senco else coordinator
            if visit.confirmed_at and visit.status != Visit.Status.CONFIRMED:
                changed.append(
                    _visit_as(
                        proposed,
                        confirmer,
                        visit.confirmed_at,
                        status=Visit.Status.CONFIRMED,
                        version=2,
                        confirmed_at=visit.confirmed_at,
                        confirmed_by_id=visit.confirmed_by_id,
                    )
                )
            if visit.status == Visit.Status.CONFIRMED:
                changed.append(_visit_as(visit, confirmer, visit.confirmed_at))
            elif visit.status == Visit.Status.CANCELLED:
                changed.append(_visit_as(visit, coordinator, visit.cancelled_at))
            elif visit.status == Visit.Status.DELIVERED:
                recorder = specialists[visit.specialist_id] if planned.recorded_by_specialist else coordinator
                changed.append(_visit_as(visit, recorder, planned.recorded_at))
                outcome = planned.outcome
                outcome.visit, outcome.recorded_by = visit, recorder
                outcome._changed_by, outcome._changed_at = recorder, planned.recorded_at
                outcomes.append(outcome)
        VisitEvent = Visit.pgh_event_model
        VisitEvent.objects.bulk_create(
            [_event(state, "insert") for state in created] + [_event(state, "update") for state in changed],
            batch_size=BATCH_SIZE,
        )
        # Each visit created when it was proposed, as its first history event says.
        year_visits = Visit.objects.filter(enrolment__programme_year=self.year)
        first_events = (
            VisitEvent.objects.filter(pgh_obj=OuterRef("pk"), pgh_label="insert").order_by().values("pgh_created_at")
        )
        year_visits.update(created_at=Subquery(first_events[:1]))

        Outcome.objects.bulk_create(outcomes, batch_size=BATCH_SIZE)
        for outcome in outcomes:
            outcome.recorded_at = outcome._changed_at  # auto_now wrote the time of seeding: put right below
        Outcome.pgh_event_model.objects.bulk_create(
            [_event(outcome, "insert") for outcome in outcomes], batch_size=BATCH_SIZE
        )
        recorded = Outcome.pgh_event_model.objects.filter(pgh_obj=OuterRef("pk")).order_by().values("pgh_created_at")
        Outcome.objects.filter(visit__in=year_visits).update(recorded_at=Subquery(recorded[:1]))
        return len(outcomes)


@dataclasses.dataclass
class _PlannedVisit:
    """A visit, and what happened to it when; who did what is settled once their accounts are written."""

    visit: Visit
    urn: int
    ods_code: str
    purpose: tuple  # an entry of VISIT_PURPOSES
    proposed_at: datetime.datetime | None = None
    confirmed_by_senco: bool = False
    recorded_at: datetime.datetime | None = None
    recorded_by_specialist: bool = False
    outcome: Outcome | None = None


@dataclasses.dataclass
class _SchoolVisits:
    """A school's visits as they are planned."""

    school: School
    preferred: list[Specialist]  # the specialists who get to know the school, asked first
    days: set[datetime.date] = dataclasses.field(default_factory=set)  # one visit a day
    purposes: set[str] = dataclasses.field(default_factory=set)


SLOT_BITS = {session: sum(1 << slot for slot in range(*slots)) for session, slots in SESSION_SLOTS.items()}


class _IcbSchedule:
    """An ICB's visits for the year, booked as its coordinator would: each school's days spread through term
    time, with the ICB's own specialists, keeping every scheduling rule, quota and capacity. Visits that do not
    fit after a bounded number of tries are left out."""

    def __init__(
        self,
        rng: random.Random,
        clock: random.Random,
        *,
        icb: ICB,
        calendar: _SchoolYearCalendar,
        now: datetime.datetime,
        blackout_periods: list[BlackoutPeriod],
        schools: list[School],
        closed_days: dict[int, set[datetime.date]],
        specialists: list[Specialist],
        capacities: list[Capacity],
        absences: list[Unavailability],
    ):
        self.rng, self.clock, self.icb, self.calendar = rng, clock, icb, calendar
        self.zone = timezone.get_current_timezone()
        self.now = now.astimezone(self.zone)
        self.today = self.now.date()
        self.blackout_days = {
            day for period in blackout_periods for day in calendar.days if period.starts_on <= day <= period.ends_on
        }
        self.closed_days = closed_days
        self.specialists = specialists
        self.capacities = {capacity.specialist_id: capacity for capacity in capacities}
        self.unavailable: dict[int, set[datetime.date]] = {specialist.pk: set() for specialist in specialists}
        for absence in absences:
            self.unavailable[absence.specialist_id].update(
                absence.starts_on + _days(offset) for offset in range((absence.ends_on - absence.starts_on).days + 1)
            )
        self.taken: dict[tuple[int, datetime.date], int] = {}  # (specialist id, date) -> SLOT_BITS taken
        self.allocated_days: dict[int, Decimal] = {}  # URN -> days of visits not cancelled
        self.visits: list[_PlannedVisit] = []
        self._earliest = self._at(calendar.year.starts_on - _days(21), 9)  # the summer before the year
        self._plan(schools)

    def _plan(self, schools: list[School]) -> None:
        targets = [self.rng.randint(*VISIT_HALF_DAYS) for _ in schools]
        budget = int(sum(capacity.days for capacity in self.capacities.values()) * 2 * CAPACITY_BOOKED_SHARE)
        demand = sum(targets)
        if demand > budget:  # more schools than the specialists can see in full (large scales): share out
            targets = [max(1, round(target * budget / demand)) for target in targets]
        for school, half_days in zip(schools, targets, strict=True):
            self._plan_school(school, half_days)

    def _plan_school(self, school: School, half_days: int) -> None:
        rng = self.rng
        full_days = []
        while half_days:
            full_day = half_days >= 2 and rng.random() < FULL_DAY_SHARE
            full_days.append(full_day)
            half_days -= 2 if full_day else 1
        booking = _SchoolVisits(school, preferred=rng.sample(self.specialists, 2))
        # One visit in each equal part of term time: spread through the year, as the service prefers.
        term_days, parts = self.calendar.term_days, len(full_days)
        for number, full_day in enumerate(full_days):
            part = term_days[len(term_days) * number // parts : len(term_days) * (number + 1) // parts]
            sessions = (Session.FULL_DAY,) if full_day else tuple(rng.sample((Session.MORNING, Session.AFTERNOON), 2))
            if planned := self._place(booking, sessions, [part, term_days], booking.preferred):
                self._settle(planned, booking)

    def _place(
        self,
        booking: _SchoolVisits,
        sessions: tuple[Session, ...],
        pools: list[list[datetime.date]],
        first_asked: list[Specialist],
        purpose: tuple | None = None,
    ) -> _PlannedVisit | None:
        """Try dates from each pool in turn, asking the first specialists and then a few others."""
        rng, closed = self.rng, self.closed_days[booking.school.urn]
        for pool in filter(None, pools):
            for _ in range(PLACING_ATTEMPTS):
                day = rng.choice(pool)
                if day in self.blackout_days or day in closed or day in booking.days:
                    continue
                others = [specialist for specialist in rng.sample(self.specialists, 3) if specialist not in first_asked]
                for specialist in [*first_asked, *others]:
                    if day in self.unavailable[specialist.pk]:
                        continue
                    capacity = self.capacities[specialist.pk]
                    taken = self.taken.get((specialist.pk, day), 0)
                    for session in sessions:
                        if (
                            not taken & SLOT_BITS[session]
                            and capacity.allocated_days + SESSION_DAYS[session] <= capacity.days
                        ):
                            return self._book(booking, specialist, day, session, purpose)
        return None

    def _book(
        self,
        booking: _SchoolVisits,
        specialist: Specialist,
        day: datetime.date,
        session: Session,
        purpose: tuple | None,
    ) -> _PlannedVisit:
        rng, urn = self.rng, booking.school.urn
        self.taken[specialist.pk, day] = self.taken.get((specialist.pk, day), 0) | SLOT_BITS[session]
        self._count(specialist.pk, urn, SESSION_DAYS[session])
        booking.days.add(day)
        if purpose is None:
            purposes = VISIT_PURPOSES[specialist.discipline]
            purpose = rng.choice([entry for entry in purposes if entry[0] not in booking.purposes] or purposes)
            booking.purposes.add(purpose[0])
        slot_start, slot_end = SESSION_SLOTS[session]
        visit = Visit(
            specialist_id=specialist.pk,
            date=day,
            session=session,
            slot_start=slot_start,
            slot_end=slot_end,
            days=SESSION_DAYS[session],
            purpose=purpose[0],
            preparation=rng.choice(PREPARATIONS) if rng.random() < 0.5 else "",
        )
        return _PlannedVisit(visit=visit, urn=urn, ods_code=self.icb.ods_code, purpose=purpose)

    def _count(self, specialist_id: int, urn: int, days: Decimal) -> None:
        """Count days against the school's quota and the specialist's capacity, as a booking does."""
        self.capacities[specialist_id].allocated_days += days
        self.allocated_days[urn] = self.allocated_days.get(urn, Decimal("0")) + days

    def _settle(self, planned: _PlannedVisit, booking: _SchoolVisits, rearranging: _PlannedVisit | None = None):
        """Bring the visit to the state its date calls for: past visits mostly delivered, a few awaiting their
        outcome record and some cancelled (and rearranged); future ones proposed or confirmed."""
        rng, visit, today = self.rng, planned.visit, self.today
        not_before = rearranging.visit.cancelled_at if rearranging else None
        planned.proposed_at = self._proposed_at(visit.date, not_before=not_before)
        self.visits.append(planned)
        if visit.date >= today:
            soon = (visit.date - today).days <= 28
            if rng.random() < (CONFIRMED_SHARE_SOON if soon else CONFIRMED_SHARE_LATER):
                self._confirm(planned)
        elif rearranging is None and rng.random() < CANCELLED_SHARE and (again := self._rearranged(planned, booking)):
            # Cancelled only where it could be rearranged, so that the school keeps its days.
            if rng.random() < 0.5:
                self._confirm(planned)
            self._cancel(planned)
            self._settle(again, booking, rearranging=planned)
        elif rng.random() < (0.4 if (today - visit.date).days <= 14 else 0.02):  # awaiting its outcome record
            if rng.random() < 0.7:
                self._confirm(planned)
        else:
            if rng.random() < 0.9:
                self._confirm(planned)
            self._deliver(planned)

    def _proposed_at(self, day: datetime.date, *, not_before: datetime.datetime | None) -> datetime.datetime:
        """Some weeks ahead, and never after now, nor before a visit it rearranges was cancelled."""
        earliest = not_before or self._earliest
        latest = min(self.now, self._at(day - _days(3), 17))
        usual = max(earliest, self._at(day - _days(56), 9))
        return _moment(self.clock, usual if usual < latest else earliest, latest)

    def _confirm(self, planned: _PlannedVisit) -> None:
        visit = planned.visit
        latest = min(self.now, self._at(visit.date, 8), planned.proposed_at + _days(10))
        visit.status, visit.version = Visit.Status.CONFIRMED, 2
        visit.confirmed_at = _moment(self.clock, planned.proposed_at, latest)
        planned.confirmed_by_senco = self.rng.random() < 0.7

    def _cancel(self, planned: _PlannedVisit) -> None:
        visit = planned.visit
        reasons = [entry for entry in CANCELLATION_REASONS if entry[1] is None or visit.date.month in entry[1]]
        reason, _, on_the_day = self.rng.choice(reasons)
        last = visit.confirmed_at or planned.proposed_at
        if on_the_day:
            visit.cancelled_at = _moment(
                self.clock, max(last, self._at(visit.date, 6, 30)), self._at(visit.date, 8, 30)
            )
        else:
            visit.cancelled_at = _moment(self.clock, last, self._at(visit.date, 8))
        visit.status, visit.version, visit.cancellation_reason = Visit.Status.CANCELLED, visit.version + 1, reason
        self._count(visit.specialist_id, planned.urn, -visit.days)  # given back, as a cancellation does

    def _rearranged(self, cancelled: _PlannedVisit, booking: _SchoolVisits) -> _PlannedVisit | None:
        """The visit booked again a few weeks later, with the same specialist if they are free."""
        visit = cancelled.visit
        after, until = visit.date + _days(5), visit.date + _days(42)
        later = [day for day in self.calendar.term_days if day >= after]
        soon = [day for day in later if day <= until]
        sessions = (
            (visit.session,)
            if visit.session == Session.FULL_DAY
            else (visit.session, Session.AFTERNOON if visit.session == Session.MORNING else Session.MORNING)
        )
        specialist = next(specialist for specialist in self.specialists if specialist.pk == visit.specialist_id)
        first_asked = [specialist, *(other for other in booking.preferred if other != specialist)]
        return self._place(booking, sessions, [soon, later], first_asked, purpose=cancelled.purpose)

    def _deliver(self, planned: _PlannedVisit) -> None:
        rng, visit = self.rng, planned.visit
        _, activities, staff_reached, note = planned.purpose
        extra = rng.sample(activities[1:], rng.randint(0, min(2, len(activities) - 1)))
        follow_up = rng.choice(OUTCOME_FOLLOW_UPS)
        planned.outcome = Outcome(
            activities=[activity.value for activity in activities if activity == activities[0] or activity in extra],
            staff_reached=rng.randint(*staff_reached),
            notes=f"{note} {follow_up}".strip(),
        )
        planned.recorded_by_specialist = rng.random() < 0.85
        last = visit.confirmed_at or planned.proposed_at
        latest = min(self.now, self._at(visit.date + _days(7), 18))
        planned.recorded_at = _moment(self.clock, max(last, self._at(visit.date, 15)), latest)
        visit.status, visit.version = Visit.Status.DELIVERED, visit.version + 1

    def _at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)


def _moment(rng: random.Random, after: datetime.datetime, before: datetime.datetime) -> datetime.datetime:
    """A time in office hours between two others (in the same time zone), or part-way between them when no
    office hours fit."""
    zone = after.tzinfo
    first, last = after.astimezone(zone).date(), before.astimezone(zone).date()
    day = first + _days(rng.randint(0, (last - first).days))
    day -= _days(max(0, day.weekday() - 4))  # a weekend's Friday
    moment = datetime.datetime(day.year, day.month, day.day, 8, 30, tzinfo=zone) + datetime.timedelta(
        minutes=rng.randint(0, 540)
    )
    if after < moment < before:
        return moment
    start, end = after.astimezone(datetime.UTC), before.astimezone(datetime.UTC)
    part_way = start + datetime.timedelta(seconds=int((end - start).total_seconds() * rng.uniform(0.1, 0.9)))
    return part_way.astimezone(zone)


def _visit_as(visit: Visit, by: User, at: datetime.datetime, **changes) -> Visit:
    """A copy of the visit as it stood after someone changed it: an event of its history."""
    state = copy.copy(visit)
    for field, value in changes.items():
        setattr(state, field, value)
    state._changed_by, state._changed_at = by, at
    return state


def _event(row, label: str):
    return event_of(row, label=label, at=row._changed_at, by=row._changed_by)


def _lineages(icbs: list[ICB]) -> dict[str, list[str]]:
    """Each ICB's ODS code and those of the ICBs it succeeded, however many mergers back."""
    predecessors: dict[int, list[ICB]] = {}
    for ended in ICB.objects.filter(successor__isnull=False):
        predecessors.setdefault(ended.successor_id, []).append(ended)

    def lineage(icb: ICB) -> list[str]:
        return [icb.ods_code, *(code for older in predecessors.get(icb.pk, []) for code in lineage(older))]

    return {icb.ods_code: lineage(icb) for icb in icbs}


def _point(
    rng: random.Random, *, area: tuple[int, int, int, int] | None, bounds: tuple[int, int, int, int] | None
) -> tuple[int, int]:
    """A grid reference in the area, more often near its middle, and never outside the region."""
    west, south, east, north = area or bounds or (140_000, 10_000, 655_000, 657_000)
    easting, northing = round(rng.triangular(west, east)), round(rng.triangular(south, north))
    if bounds:
        easting = min(max(easting, bounds[0]), bounds[2])
        northing = min(max(northing, bounds[1]), bounds[3])
    return easting, northing


def _postcode(rng: random.Random, *, areas: Sequence[str]) -> str:
    area = rng.choices(areas, weights=range(len(areas) * 2, 0, -2))[0]
    district = rng.randint(*POSTCODE_DISTRICTS.get(area, (1, 9)))
    letters = "".join(rng.choices(POSTCODE_INWARD_LETTERS, k=2))
    return f"{area}{district} {rng.randint(0, 9)}{letters}"


def _place(rng: random.Random) -> str:
    """A place-like name such as Oakfield, Brookside or Hillcrest."""
    stem, ending = rng.choice(PLACE_STEMS), rng.choice(PLACE_ENDINGS)
    while stem.lower().endswith(ending) or stem.lower() == ending:
        ending = rng.choice(PLACE_ENDINGS)
    return f"{stem}{ending}"


def _school_name(rng: random.Random, *, school_type: str) -> tuple[str, str]:
    patterns = SCHOOL_NAME_PATTERNS[school_type]
    pattern, _, kind = rng.choices(patterns, weights=[weight for _, weight, _ in patterns])[0]
    name = pattern.format(
        place=_place(rng), ce=rng.choice(CHURCH_OF_ENGLAND_DEDICATIONS), rc=rng.choice(CATHOLIC_DEDICATIONS)
    )
    return name, kind


def _opened_on(rng: random.Random, *, school_type: str) -> datetime.date | None:
    """Academies open on conversion (the first of a month), free schools in September; GIAS gives no useful
    opening date for long-established maintained schools."""
    if school_type.startswith("Academy"):
        return datetime.date(rng.randint(2011, 2024), rng.randint(1, 12), 1)
    if school_type == "Free schools":
        return datetime.date(rng.randint(2012, 2022), 9, 1)
    return None


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _authority_weight(authority: LocalAuthority) -> float:
    """Counties have more primary schools than unitary authorities or boroughs."""
    if authority.dfe_code in LA_WEIGHT_OVERRIDES:
        return LA_WEIGHT_OVERRIDES[authority.dfe_code]
    return {"E10": 4.0, "E08": 2.0}.get(authority.ons_code[:3], 1.5)


def _area_name(authority: LocalAuthority) -> str:
    """'Bristol, City of' -> 'Bristol'."""
    return authority.name.split(", ")[0]


def _council_name(authority: LocalAuthority) -> str:
    if authority.dfe_code in COUNCIL_NAME_OVERRIDES:
        return COUNCIL_NAME_OVERRIDES[authority.dfe_code]
    if authority.name.endswith(", City of"):
        return f"{_area_name(authority)} City Council"
    if authority.ons_code.startswith("E09"):
        return f"London Borough of {authority.name}"
    if authority.ons_code.startswith("E10"):
        return f"{authority.name} County Council"
    return f"{_area_name(authority)} Council"
