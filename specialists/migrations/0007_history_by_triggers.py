# Row history kept by database triggers (django-pghistory) instead of django-simple-history (docs/adr/0013):
# an event table and insert, update and delete triggers for visits and outcomes; the records kept so far are
# copied into the events, and back on reversal.

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
import pghistory.utils
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

APP = "specialists"
# Per model, the columns whose type changed since the record was kept: (record to event, event to record).
TRACKED = {
    "Visit": {},
    "Outcome": {
        "activities": ("ARRAY(SELECT jsonb_array_elements_text(h.activities))", "to_jsonb(e.activities)"),
    },
}
BACK_ONLY = {}


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
        ("schools", "0008_history_by_triggers"),
        ("specialists", "0006_outcome_activities_in_an_array"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OutcomeEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                (
                    "activities",
                    django.contrib.postgres.fields.ArrayField(
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
                        size=None,
                    ),
                ),
                ("staff_reached", models.PositiveIntegerField(verbose_name="number of staff reached")),
                ("notes", models.TextField(blank=True)),
                ("recorded_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="VisitEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("pgh_created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("pgh_context", pghistory.utils.JSONField(null=True)),
                ("pgh_context_id", models.UUIDField(null=True)),
                ("id", models.BigIntegerField()),
                ("date", models.DateField()),
                (
                    "session",
                    models.CharField(
                        choices=[("full_day", "Full day"), ("morning", "Morning"), ("afternoon", "Afternoon")],
                        max_length=10,
                    ),
                ),
                ("days", models.DecimalField(decimal_places=1, editable=False, max_digits=5)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Proposed"),
                            ("confirmed", "Confirmed"),
                            ("delivered", "Delivered"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="proposed",
                        max_length=10,
                    ),
                ),
                ("purpose", models.TextField(blank=True, verbose_name="purpose of the visit")),
                ("preparation", models.TextField(blank=True, verbose_name="what the school should prepare")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                ("cancelled_at", models.DateTimeField(blank=True, null=True)),
                ("cancellation_reason", models.TextField(blank=True)),
                ("version", models.PositiveIntegerField(default=1)),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="outcomeevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="history_events",
                to="specialists.outcome",
            ),
        ),
        migrations.AddField(
            model_name="outcomeevent",
            name="recorded_by",
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
            model_name="outcomeevent",
            name="visit",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="specialists.visit",
            ),
        ),
        migrations.AddField(
            model_name="visitevent",
            name="cancelled_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="visitevent",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="visitevent",
            name="created_by",
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
            model_name="visitevent",
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
            model_name="visitevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="history_events",
                to="specialists.visit",
            ),
        ),
        migrations.AddField(
            model_name="visitevent",
            name="specialist",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="specialists.specialist",
            ),
        ),
        migrations.RunPython(history_to_events, events_to_history),
        pgtrigger.migrations.AddTrigger(
            model_name="outcome",
            trigger=pgtrigger.compiler.Trigger(
                name="history_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "specialists_outcomeevent" ("activities", "id", "notes", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_at", "recorded_by_id", "staff_reached", "visit_id") VALUES (NEW."activities", NEW."id", NEW."notes", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."recorded_at", NEW."recorded_by_id", NEW."staff_reached", NEW."visit_id"); RETURN NULL;',
                    hash="287c5c8a330ed860e5972dbe4b728c4a4f8885c0",
                    operation="INSERT",
                    pgid="pgtrigger_history_insert_49bfa",
                    table="specialists_outcome",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="outcome",
            trigger=pgtrigger.compiler.Trigger(
                name="history_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "specialists_outcomeevent" ("activities", "id", "notes", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_at", "recorded_by_id", "staff_reached", "visit_id") VALUES (NEW."activities", NEW."id", NEW."notes", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."recorded_at", NEW."recorded_by_id", NEW."staff_reached", NEW."visit_id"); RETURN NULL;',
                    hash="a4980fcff11591634cfcef32f0acc9bff04b1a14",
                    operation="UPDATE",
                    pgid="pgtrigger_history_update_31f6b",
                    table="specialists_outcome",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="outcome",
            trigger=pgtrigger.compiler.Trigger(
                name="history_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "specialists_outcomeevent" ("activities", "id", "notes", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_at", "recorded_by_id", "staff_reached", "visit_id") VALUES (OLD."activities", OLD."id", OLD."notes", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."recorded_at", OLD."recorded_by_id", OLD."staff_reached", OLD."visit_id"); RETURN NULL;',
                    hash="be84ba0439887718e3d5d367634af4a6ee75b124",
                    operation="DELETE",
                    pgid="pgtrigger_history_delete_16928",
                    table="specialists_outcome",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="visit",
            trigger=pgtrigger.compiler.Trigger(
                name="history_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "specialists_visitevent" ("cancellation_reason", "cancelled_at", "cancelled_by_id", "confirmed_at", "confirmed_by_id", "created_at", "created_by_id", "date", "days", "enrolment_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "preparation", "purpose", "session", "specialist_id", "status", "version") VALUES (NEW."cancellation_reason", NEW."cancelled_at", NEW."cancelled_by_id", NEW."confirmed_at", NEW."confirmed_by_id", NEW."created_at", NEW."created_by_id", NEW."date", NEW."days", NEW."enrolment_id", NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."preparation", NEW."purpose", NEW."session", NEW."specialist_id", NEW."status", NEW."version"); RETURN NULL;',
                    hash="c31b2d9f3c2109f847857829e0822448043f6e2d",
                    operation="INSERT",
                    pgid="pgtrigger_history_insert_0fda9",
                    table="specialists_visit",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="visit",
            trigger=pgtrigger.compiler.Trigger(
                name="history_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."cancellation_reason" IS DISTINCT FROM (NEW."cancellation_reason") OR OLD."cancelled_at" IS DISTINCT FROM (NEW."cancelled_at") OR OLD."cancelled_by_id" IS DISTINCT FROM (NEW."cancelled_by_id") OR OLD."confirmed_at" IS DISTINCT FROM (NEW."confirmed_at") OR OLD."confirmed_by_id" IS DISTINCT FROM (NEW."confirmed_by_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."date" IS DISTINCT FROM (NEW."date") OR OLD."days" IS DISTINCT FROM (NEW."days") OR OLD."enrolment_id" IS DISTINCT FROM (NEW."enrolment_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."preparation" IS DISTINCT FROM (NEW."preparation") OR OLD."purpose" IS DISTINCT FROM (NEW."purpose") OR OLD."session" IS DISTINCT FROM (NEW."session") OR OLD."specialist_id" IS DISTINCT FROM (NEW."specialist_id") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."version" IS DISTINCT FROM (NEW."version"))',
                    func='INSERT INTO "specialists_visitevent" ("cancellation_reason", "cancelled_at", "cancelled_by_id", "confirmed_at", "confirmed_by_id", "created_at", "created_by_id", "date", "days", "enrolment_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "preparation", "purpose", "session", "specialist_id", "status", "version") VALUES (NEW."cancellation_reason", NEW."cancelled_at", NEW."cancelled_by_id", NEW."confirmed_at", NEW."confirmed_by_id", NEW."created_at", NEW."created_by_id", NEW."date", NEW."days", NEW."enrolment_id", NEW."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."preparation", NEW."purpose", NEW."session", NEW."specialist_id", NEW."status", NEW."version"); RETURN NULL;',
                    hash="8cbae334cfc2d02c15ab55d6e55e7c5c938327e6",
                    operation="UPDATE",
                    pgid="pgtrigger_history_update_a14f8",
                    table="specialists_visit",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="visit",
            trigger=pgtrigger.compiler.Trigger(
                name="history_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "specialists_visitevent" ("cancellation_reason", "cancelled_at", "cancelled_by_id", "confirmed_at", "confirmed_by_id", "created_at", "created_by_id", "date", "days", "enrolment_id", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "preparation", "purpose", "session", "specialist_id", "status", "version") VALUES (OLD."cancellation_reason", OLD."cancelled_at", OLD."cancelled_by_id", OLD."confirmed_at", OLD."confirmed_by_id", OLD."created_at", OLD."created_by_id", OLD."date", OLD."days", OLD."enrolment_id", OLD."id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."preparation", OLD."purpose", OLD."session", OLD."specialist_id", OLD."status", OLD."version"); RETURN NULL;',
                    hash="f66c954f96915a09dd4b04ec7a22c0530b23b5d0",
                    operation="DELETE",
                    pgid="pgtrigger_history_delete_6e339",
                    table="specialists_visit",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RemoveField(
            model_name="historicaloutcome",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicaloutcome",
            name="recorded_by",
        ),
        migrations.RemoveField(
            model_name="historicaloutcome",
            name="visit",
        ),
        migrations.RemoveField(
            model_name="historicalvisit",
            name="cancelled_by",
        ),
        migrations.RemoveField(
            model_name="historicalvisit",
            name="confirmed_by",
        ),
        migrations.RemoveField(
            model_name="historicalvisit",
            name="created_by",
        ),
        migrations.RemoveField(
            model_name="historicalvisit",
            name="enrolment",
        ),
        migrations.RemoveField(
            model_name="historicalvisit",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalvisit",
            name="specialist",
        ),
        migrations.DeleteModel(
            name="HistoricalOutcome",
        ),
        migrations.DeleteModel(
            name="HistoricalVisit",
        ),
    ]
