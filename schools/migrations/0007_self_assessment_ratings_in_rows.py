# A self-assessment's ratings and notes as one row per domain, and its wanted disciplines as an array of known
# disciplines, each held by database checks: they were JSON. The data is carried across, and back on reversal.

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

DOMAINS = "ARRAY['leadership', 'mental_health', 'readiness_to_learn', 'teaching_and_learning', 'environment_and_communication']"
DISCIPLINES = (
    "ARRAY['occupational_therapy', 'speech_and_language_therapy', 'mental_health', 'educational_psychology', "
    "'specialist_nursing', 'specialist_teaching']"
)

# A rating outside the scale or a discipline the programme does not know could not have come through the form:
# such values are left behind rather than failing the migration.
TO_ROWS = f"""
SET CONSTRAINTS ALL IMMEDIATE;

INSERT INTO schools_selfassessmentrating (assessment_id, domain, rating, notes)
SELECT assessment.id, given.key, given.value::smallint, COALESCE(assessment.notes ->> given.key, '')
FROM schools_selfassessment AS assessment, jsonb_each_text(assessment.ratings) AS given
WHERE given.key = ANY({DOMAINS}) AND given.value IN ('1', '2', '3', '4');

UPDATE schools_selfassessment AS assessment
SET wanted_disciplines_list = ARRAY(
    SELECT wanted.value
    FROM jsonb_array_elements_text(assessment.wanted_disciplines) WITH ORDINALITY AS wanted (value, position)
    WHERE wanted.value = ANY({DISCIPLINES})
    GROUP BY wanted.value
    ORDER BY min(wanted.position)
)
WHERE jsonb_typeof(assessment.wanted_disciplines) = 'array';
"""

TO_JSON = """
SET CONSTRAINTS ALL IMMEDIATE;

UPDATE schools_selfassessment AS assessment
SET ratings = COALESCE(
        (SELECT jsonb_object_agg(domain, rating) FROM schools_selfassessmentrating WHERE assessment_id = assessment.id),
        '{}'
    ),
    notes = COALESCE(
        (
            SELECT jsonb_object_agg(domain, notes)
            FROM schools_selfassessmentrating
            WHERE assessment_id = assessment.id AND notes <> ''
        ),
        '{}'
    ),
    wanted_disciplines = to_jsonb(wanted_disciplines_list);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0006_enrolment_visit_counters"),
    ]

    operations = [
        migrations.CreateModel(
            name="SelfAssessmentRating",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "domain",
                    models.CharField(
                        choices=[
                            ("leadership", "Leadership, culture and values"),
                            ("mental_health", "Mental health"),
                            ("readiness_to_learn", "Readiness to learn"),
                            ("teaching_and_learning", "Teaching and learning"),
                            ("environment_and_communication", "Environment and communication"),
                        ],
                        max_length=30,
                    ),
                ),
                (
                    "rating",
                    models.PositiveSmallIntegerField(
                        choices=[(1, "Not yet started"), (2, "Emerging"), (3, "Developing"), (4, "Embedded")]
                    ),
                ),
                ("notes", models.TextField(blank=True)),
            ],
            options={
                "ordering": ["assessment", "domain"],
            },
        ),
        migrations.AddField(
            model_name="selfassessmentrating",
            name="assessment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="ratings", to="schools.selfassessment"
            ),
        ),
        migrations.AddConstraint(
            model_name="selfassessmentrating",
            constraint=models.UniqueConstraint(
                fields=("assessment", "domain"), name="self_assessment_rated_once_per_domain"
            ),
        ),
        migrations.AddConstraint(
            model_name="selfassessmentrating",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "domain__in",
                        [
                            "leadership",
                            "mental_health",
                            "readiness_to_learn",
                            "teaching_and_learning",
                            "environment_and_communication",
                        ],
                    )
                ),
                name="self_assessment_rating_domain_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="selfassessmentrating",
            constraint=models.CheckConstraint(
                condition=models.Q(("rating__in", [1, 2, 3, 4])), name="self_assessment_rating_on_the_scale"
            ),
        ),
        migrations.AddField(
            model_name="selfassessment",
            name="wanted_disciplines_list",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(
                    choices=[
                        ("occupational_therapy", "Occupational therapy"),
                        ("speech_and_language_therapy", "Speech and language therapy"),
                        ("mental_health", "Mental health"),
                        ("educational_psychology", "Educational psychology"),
                        ("specialist_nursing", "Specialist nursing"),
                        ("specialist_teaching", "Specialist teaching"),
                    ],
                    max_length=30,
                ),
                blank=True,
                default=list,
                help_text="Disciplines the school would most like, each once",
                size=None,
            ),
        ),
        migrations.RunSQL(TO_ROWS, TO_JSON),
        migrations.RemoveField(
            model_name="selfassessment",
            name="notes",
        ),
        migrations.RemoveField(
            model_name="selfassessment",
            name="ratings",
        ),
        migrations.RemoveField(
            model_name="selfassessment",
            name="wanted_disciplines",
        ),
        migrations.RenameField(
            model_name="selfassessment",
            old_name="wanted_disciplines_list",
            new_name="wanted_disciplines",
        ),
        migrations.AddConstraint(
            model_name="selfassessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "wanted_disciplines__contained_by",
                        [
                            "occupational_therapy",
                            "speech_and_language_therapy",
                            "mental_health",
                            "educational_psychology",
                            "specialist_nursing",
                            "specialist_teaching",
                        ],
                    )
                ),
                name="self_assessment_wanted_disciplines_known",
            ),
        ),
    ]
