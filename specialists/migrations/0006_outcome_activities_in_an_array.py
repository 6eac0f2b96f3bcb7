# An outcome's activities as an array of known activities, at least one, held by database checks: they were
# JSON. The data is carried across, and back on reversal.

import django.contrib.postgres.fields
from django.db import migrations, models

ACTIVITIES = (
    "ARRAY['whole_school_training', 'classroom_observation', 'staff_consultation', 'parent_carer_session', "
    "'resources_or_plans']"
)

# The service has always asked for at least one activity from the form's list; anything else is left behind.
TO_ARRAY = f"""
UPDATE specialists_outcome AS outcome
SET activities_list = ARRAY(
    SELECT activity.value
    FROM jsonb_array_elements_text(outcome.activities) WITH ORDINALITY AS activity (value, position)
    WHERE activity.value = ANY({ACTIVITIES})
    GROUP BY activity.value
    ORDER BY min(activity.position)
)
WHERE jsonb_typeof(outcome.activities) = 'array';
"""

TO_JSON = "UPDATE specialists_outcome SET activities = to_jsonb(activities_list);"


class Migration(migrations.Migration):
    dependencies = [
        ("specialists", "0005_mail_claims_and_feed_revoked_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="outcome",
            name="activities_list",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(
                    choices=[
                        ("whole_school_training", "Whole-school training"),
                        ("classroom_observation", "Classroom observation"),
                        ("staff_consultation", "Staff consultation"),
                        ("parent_carer_session", "Parent and carer session"),
                        ("resources_or_plans", "Resources or plans produced"),
                    ],
                    max_length=30,
                ),
                default=list,
                size=None,
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(TO_ARRAY, TO_JSON),
        migrations.RemoveField(
            model_name="outcome",
            name="activities",
        ),
        migrations.RenameField(
            model_name="outcome",
            old_name="activities_list",
            new_name="activities",
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "activities__contained_by",
                        [
                            "whole_school_training",
                            "classroom_observation",
                            "staff_consultation",
                            "parent_carer_session",
                            "resources_or_plans",
                        ],
                    )
                ),
                name="outcome_activities_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.CheckConstraint(
                condition=models.Q(("activities__len__gte", 1)), name="outcome_has_an_activity"
            ),
        ),
    ]
