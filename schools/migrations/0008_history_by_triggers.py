# Row history kept by database triggers (django-pghistory) instead of django-simple-history (docs/adr/0013):
# an event table and insert, update and delete triggers for each audited model; the records kept so far are
# copied into the events, and back on reversal.

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
import pghistory.utils
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

APP = "schools"
# Per model, the columns whose type changed since the record was kept: (record to event, event to record).
TRACKED = {
    "School": {},
    "Enrolment": {},
    "SelfAssessment": {
        "wanted_disciplines": (
            "ARRAY(SELECT jsonb_array_elements_text(h.wanted_disciplines))",
            "to_jsonb(e.wanted_disciplines)",
        ),
    },
}
# Columns only the records have: a reversal leaves a self-assessment's past ratings in the rating events.
BACK_ONLY = {"SelfAssessment": {"ratings": "'{}'::jsonb", "notes": "'{}'::jsonb"}}

# A self-assessment record's ratings, as events of the rating rows that hold them now.
RATINGS_TO_EVENTS = """
INSERT INTO schools_selfassessmentratingevent
    (id, assessment_id, domain, rating, notes, pgh_created_at, pgh_label, pgh_obj_id, pgh_context)
SELECT rating.id, h.id, given.key, given.value::smallint, COALESCE(h.notes ->> given.key, ''), h.history_date,
    CASE h.history_type WHEN '+' THEN 'insert' WHEN '-' THEN 'delete' ELSE 'update' END,
    rating.id,
    jsonb_build_object('user', h.history_user_id)
FROM schools_historicalselfassessment AS h
CROSS JOIN jsonb_each_text(h.ratings) AS given
JOIN schools_selfassessmentrating AS rating ON rating.assessment_id = h.id AND rating.domain = given.key
WHERE given.value IN ('1', '2', '3', '4')
ORDER BY h.history_id, given.key
"""


def _copy(apps, schema_editor, *, forward: bool) -> None:
    """Each simple-history record becomes an event of the same row, with its date, kind, user and reason in
    the event's context; on reversal, each event becomes a record again."""
    user_table = apps.get_model(*settings.AUTH_USER_MODEL.split("."))._meta.db_table
    for tracked, converted in TRACKED.items():
        Historical = apps.get_model(APP, f"Historical{tracked}")
        Event = apps.get_model(APP, f"{tracked}Event")
        row_key = apps.get_model(APP, tracked)._meta.pk.column
        columns = [field.column for field in Event._meta.concrete_fields if not field.name.startswith("pgh_")]
        if forward:
            values = ", ".join(converted.get(column, (f'h."{column}"', None))[0] for column in columns)
            schema_editor.execute(
                f"""
                INSERT INTO "{Event._meta.db_table}"
                    ({", ".join(f'"{column}"' for column in columns)}, pgh_created_at, pgh_label, pgh_obj_id, pgh_context)
                SELECT {values}, h.history_date,
                    CASE h.history_type WHEN '+' THEN 'insert' WHEN '-' THEN 'delete' ELSE 'update' END,
                    h."{row_key}",
                    jsonb_build_object('user', h.history_user_id)
                    || CASE WHEN h.history_change_reason IS NULL THEN '{{}}'::jsonb
                       ELSE jsonb_build_object('reason', h.history_change_reason) END
                FROM "{Historical._meta.db_table}" AS h
                ORDER BY h.history_id
                """
            )
        else:
            values = ", ".join(converted.get(column, (None, f'e."{column}"'))[1] for column in columns)
            extra = BACK_ONLY.get(tracked, {})
            schema_editor.execute(
                f"""
                INSERT INTO "{Historical._meta.db_table}"
                    ({", ".join(f'"{column}"' for column in [*columns, *extra])},
                     history_date, history_type, history_user_id, history_change_reason)
                SELECT {", ".join([values, *extra.values()])}, e.pgh_created_at,
                    CASE e.pgh_label WHEN 'insert' THEN '+' WHEN 'delete' THEN '-' ELSE '~' END,
                    person.id,
                    left(e.pgh_context ->> 'reason', 100)
                FROM "{Event._meta.db_table}" AS e
                LEFT JOIN "{user_table}" AS person ON person.id::text = e.pgh_context ->> 'user'
                ORDER BY e.pgh_id
                """
            )


def history_to_events(apps, schema_editor):
    _copy(apps, schema_editor, forward=True)


def events_to_history(apps, schema_editor):
    _copy(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("icbs", "0002_initial"),
        ("schools", "0007_self_assessment_ratings_in_rows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EnrolmentEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                (
                    "support",
                    models.CharField(
                        choices=[("new", "New to the programme"), ("continuing", "Continuing support")],
                        default="new",
                        max_length=10,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("invited", "Invited"), ("enrolled", "Enrolled"), ("withdrawn", "Withdrawn")],
                        default="invited",
                        max_length=10,
                    ),
                ),
                (
                    "quota_days",
                    models.DecimalField(decimal_places=1, max_digits=5, verbose_name="quota of specialist days"),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="SchoolEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("urn", models.PositiveIntegerField(serialize=False, verbose_name="URN")),
                (
                    "dfe_number",
                    models.CharField(
                        help_text="LA code and establishment number (LAESTAB), e.g. 2013614",
                        max_length=7,
                        verbose_name="DfE number",
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("phase", models.CharField(blank=True, max_length=50)),
                ("type", models.CharField(blank=True, max_length=100, verbose_name="type of establishment")),
                ("status", models.CharField(blank=True, max_length=50)),
                ("street", models.CharField(blank=True, max_length=200)),
                ("town", models.CharField(blank=True, max_length=100)),
                ("postcode", models.CharField(blank=True, max_length=8)),
                ("easting", models.PositiveIntegerField(blank=True, null=True)),
                ("northing", models.PositiveIntegerField(blank=True, null=True)),
                ("lsoa_code", models.CharField(blank=True, max_length=9, verbose_name="LSOA code")),
                ("statutory_low_age", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("statutory_high_age", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("pupil_count", models.PositiveIntegerField(blank=True, null=True, verbose_name="number of pupils")),
                ("opened_on", models.DateField(blank=True, null=True)),
                ("closed_on", models.DateField(blank=True, null=True)),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="SelfAssessmentEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                ("stage", models.CharField(choices=[("start", "At the start"), ("end", "At the end")], max_length=5)),
                (
                    "wanted_disciplines",
                    django.contrib.postgres.fields.ArrayField(
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
                ("completed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="SelfAssessmentRatingEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
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
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="enrolmentevent",
            name="cohort",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="schools.cohort",
            ),
        ),
        migrations.AddField(
            model_name="enrolmentevent",
            name="icb",
            field=models.ForeignKey(
                db_constraint=False,
                help_text="The ICB that delivers this year's support; it stays with the ICB after a merger.",
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="icbs.icb",
                verbose_name="ICB",
            ),
        ),
        migrations.AddField(
            model_name="enrolmentevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="history_events",
                to="schools.enrolment",
            ),
        ),
        migrations.AddField(
            model_name="enrolmentevent",
            name="programme_year",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="schools.programmeyear",
            ),
        ),
        migrations.AddField(
            model_name="enrolmentevent",
            name="school",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="schools.school",
            ),
        ),
        migrations.AddField(
            model_name="schoolevent",
            name="icb",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="icbs.icb",
                verbose_name="ICB",
            ),
        ),
        migrations.AddField(
            model_name="schoolevent",
            name="local_authority",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="icbs.localauthority",
            ),
        ),
        migrations.AddField(
            model_name="schoolevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="history_events",
                to="schools.school",
            ),
        ),
        migrations.AddField(
            model_name="selfassessmentevent",
            name="completed_by",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="selfassessmentevent",
            name="enrolment",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="schools.enrolment",
            ),
        ),
        migrations.AddField(
            model_name="selfassessmentevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="history_events",
                to="schools.selfassessment",
            ),
        ),
        migrations.AddField(
            model_name="selfassessmentratingevent",
            name="assessment",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="schools.selfassessment",
            ),
        ),
        migrations.AddField(
            model_name="selfassessmentratingevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="history_events",
                to="schools.selfassessmentrating",
            ),
        ),
        migrations.RunPython(history_to_events, events_to_history),
        migrations.RunSQL(RATINGS_TO_EVENTS, migrations.RunSQL.noop),
        pgtrigger.migrations.AddTrigger(
            model_name="enrolment",
            trigger=pgtrigger.compiler.Trigger(
                name="history_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "schools_enrolmentevent" ("cohort_id", "icb_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "programme_year_id", "quota_days", "school_id", "status", "support") VALUES (NEW."cohort_id", NEW."icb_id", NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."programme_year_id", NEW."quota_days", NEW."school_id", NEW."status", NEW."support"); RETURN NULL;',
                    hash="7d062fc89f0de1070ef634f87e5235e8635ed912",
                    operation="INSERT",
                    pgid="pgtrigger_history_insert_35100",
                    table="schools_enrolment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="enrolment",
            trigger=pgtrigger.compiler.Trigger(
                name="history_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."cohort_id" IS DISTINCT FROM (NEW."cohort_id") OR OLD."icb_id" IS DISTINCT FROM (NEW."icb_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."programme_year_id" IS DISTINCT FROM (NEW."programme_year_id") OR OLD."quota_days" IS DISTINCT FROM (NEW."quota_days") OR OLD."school_id" IS DISTINCT FROM (NEW."school_id") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."support" IS DISTINCT FROM (NEW."support"))',
                    func='INSERT INTO "schools_enrolmentevent" ("cohort_id", "icb_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "programme_year_id", "quota_days", "school_id", "status", "support") VALUES (NEW."cohort_id", NEW."icb_id", NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."programme_year_id", NEW."quota_days", NEW."school_id", NEW."status", NEW."support"); RETURN NULL;',
                    hash="2e9b801e7b9deb9b5b572a4c3ce700579be98f13",
                    operation="UPDATE",
                    pgid="pgtrigger_history_update_37621",
                    table="schools_enrolment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="enrolment",
            trigger=pgtrigger.compiler.Trigger(
                name="history_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "schools_enrolmentevent" ("cohort_id", "icb_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "programme_year_id", "quota_days", "school_id", "status", "support") VALUES (OLD."cohort_id", OLD."icb_id", OLD."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."programme_year_id", OLD."quota_days", OLD."school_id", OLD."status", OLD."support"); RETURN NULL;',
                    hash="2c66fa36b5707fc3378554bf3e039ba552c181ba",
                    operation="DELETE",
                    pgid="pgtrigger_history_delete_20aa0",
                    table="schools_enrolment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="school",
            trigger=pgtrigger.compiler.Trigger(
                name="history_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "schools_schoolevent" ("closed_on", "dfe_number", "easting", "icb_id", "local_authority_id", "lsoa_code", "name", "northing", "opened_on", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phase", "postcode", "pupil_count", "status", "statutory_high_age", "statutory_low_age", "street", "town", "type", "urn") VALUES (NEW."closed_on", NEW."dfe_number", NEW."easting", NEW."icb_id", NEW."local_authority_id", NEW."lsoa_code", NEW."name", NEW."northing", NEW."opened_on", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."urn", NEW."phase", NEW."postcode", NEW."pupil_count", NEW."status", NEW."statutory_high_age", NEW."statutory_low_age", NEW."street", NEW."town", NEW."type", NEW."urn"); RETURN NULL;',
                    hash="cea8169832c64a13b2da450e56c36e9161729e84",
                    operation="INSERT",
                    pgid="pgtrigger_history_insert_90420",
                    table="schools_school",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="school",
            trigger=pgtrigger.compiler.Trigger(
                name="history_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "schools_schoolevent" ("closed_on", "dfe_number", "easting", "icb_id", "local_authority_id", "lsoa_code", "name", "northing", "opened_on", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phase", "postcode", "pupil_count", "status", "statutory_high_age", "statutory_low_age", "street", "town", "type", "urn") VALUES (NEW."closed_on", NEW."dfe_number", NEW."easting", NEW."icb_id", NEW."local_authority_id", NEW."lsoa_code", NEW."name", NEW."northing", NEW."opened_on", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."urn", NEW."phase", NEW."postcode", NEW."pupil_count", NEW."status", NEW."statutory_high_age", NEW."statutory_low_age", NEW."street", NEW."town", NEW."type", NEW."urn"); RETURN NULL;',
                    hash="2779b799cfe386a002a19adeae7cdc58642ec589",
                    operation="UPDATE",
                    pgid="pgtrigger_history_update_e4420",
                    table="schools_school",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="school",
            trigger=pgtrigger.compiler.Trigger(
                name="history_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "schools_schoolevent" ("closed_on", "dfe_number", "easting", "icb_id", "local_authority_id", "lsoa_code", "name", "northing", "opened_on", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phase", "postcode", "pupil_count", "status", "statutory_high_age", "statutory_low_age", "street", "town", "type", "urn") VALUES (OLD."closed_on", OLD."dfe_number", OLD."easting", OLD."icb_id", OLD."local_authority_id", OLD."lsoa_code", OLD."name", OLD."northing", OLD."opened_on", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."urn", OLD."phase", OLD."postcode", OLD."pupil_count", OLD."status", OLD."statutory_high_age", OLD."statutory_low_age", OLD."street", OLD."town", OLD."type", OLD."urn"); RETURN NULL;',
                    hash="20bf48af9a5146fbc6e9857d7bedde83dea41abf",
                    operation="DELETE",
                    pgid="pgtrigger_history_delete_2acac",
                    table="schools_school",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="selfassessment",
            trigger=pgtrigger.compiler.Trigger(
                name="history_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "schools_selfassessmentevent" ("completed_at", "completed_by_id", "enrolment_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "stage", "wanted_disciplines") VALUES (NEW."completed_at", NEW."completed_by_id", NEW."enrolment_id", NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."stage", NEW."wanted_disciplines"); RETURN NULL;',
                    hash="148bb1b3f6cd92c5aec0eca39da1a9aade97d233",
                    operation="INSERT",
                    pgid="pgtrigger_history_insert_2e9c3",
                    table="schools_selfassessment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="selfassessment",
            trigger=pgtrigger.compiler.Trigger(
                name="history_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "schools_selfassessmentevent" ("completed_at", "completed_by_id", "enrolment_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "stage", "wanted_disciplines") VALUES (NEW."completed_at", NEW."completed_by_id", NEW."enrolment_id", NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."stage", NEW."wanted_disciplines"); RETURN NULL;',
                    hash="1afcf7a48204bd3e39fe070679bab7374e40fc6b",
                    operation="UPDATE",
                    pgid="pgtrigger_history_update_2d454",
                    table="schools_selfassessment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="selfassessment",
            trigger=pgtrigger.compiler.Trigger(
                name="history_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "schools_selfassessmentevent" ("completed_at", "completed_by_id", "enrolment_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "stage", "wanted_disciplines") VALUES (OLD."completed_at", OLD."completed_by_id", OLD."enrolment_id", OLD."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."stage", OLD."wanted_disciplines"); RETURN NULL;',
                    hash="7a7ceca4a72ec951725145d1360d4a0c64391a33",
                    operation="DELETE",
                    pgid="pgtrigger_history_delete_32b2e",
                    table="schools_selfassessment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="selfassessmentrating",
            trigger=pgtrigger.compiler.Trigger(
                name="history_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "schools_selfassessmentratingevent" ("assessment_id", "domain", "id", "notes", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "rating") VALUES (NEW."assessment_id", NEW."domain", NEW."id", NEW."notes", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."rating"); RETURN NULL;',
                    hash="7fedce077b51a050a26e06b2285d039b514d740c",
                    operation="INSERT",
                    pgid="pgtrigger_history_insert_7d75a",
                    table="schools_selfassessmentrating",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="selfassessmentrating",
            trigger=pgtrigger.compiler.Trigger(
                name="history_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "schools_selfassessmentratingevent" ("assessment_id", "domain", "id", "notes", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "rating") VALUES (NEW."assessment_id", NEW."domain", NEW."id", NEW."notes", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."rating"); RETURN NULL;',
                    hash="f4f315c0c06f2d6529b9bd8541e2f0e391ccda67",
                    operation="UPDATE",
                    pgid="pgtrigger_history_update_49de4",
                    table="schools_selfassessmentrating",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="selfassessmentrating",
            trigger=pgtrigger.compiler.Trigger(
                name="history_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "schools_selfassessmentratingevent" ("assessment_id", "domain", "id", "notes", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "rating") VALUES (OLD."assessment_id", OLD."domain", OLD."id", OLD."notes", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."rating"); RETURN NULL;',
                    hash="c577c22400e0a2d90ba6bbec479a5d9ec2d2ea17",
                    operation="DELETE",
                    pgid="pgtrigger_history_delete_61e2a",
                    table="schools_selfassessmentrating",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RemoveField(
            model_name="historicalenrolment",
            name="cohort",
        ),
        migrations.RemoveField(
            model_name="historicalenrolment",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalenrolment",
            name="icb",
        ),
        migrations.RemoveField(
            model_name="historicalenrolment",
            name="programme_year",
        ),
        migrations.RemoveField(
            model_name="historicalenrolment",
            name="school",
        ),
        migrations.RemoveField(
            model_name="historicalschool",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalschool",
            name="icb",
        ),
        migrations.RemoveField(
            model_name="historicalschool",
            name="local_authority",
        ),
        migrations.RemoveField(
            model_name="historicalselfassessment",
            name="completed_by",
        ),
        migrations.RemoveField(
            model_name="historicalselfassessment",
            name="enrolment",
        ),
        migrations.RemoveField(
            model_name="historicalselfassessment",
            name="history_user",
        ),
        migrations.DeleteModel(
            name="HistoricalEnrolment",
        ),
        migrations.DeleteModel(
            name="HistoricalSchool",
        ),
        migrations.DeleteModel(
            name="HistoricalSelfAssessment",
        ),
    ]
