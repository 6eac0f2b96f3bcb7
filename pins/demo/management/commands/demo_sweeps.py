"""The demo's Celery beat and worker in one small process: `make run` starts it next to the web server."""

import logging
import os
import time

from celery.schedules import maybe_schedule
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the periodic sweeps of CELERY_BEAT_SCHEDULE (reminders, digests, notices and change requests left"
        " unsent) in this process, each on its own schedule, until the process that started it stops. Only with"
        " DEBUG on: a deployment runs Celery beat and a worker instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every sweep once, then stop")
        parser.add_argument("--tick", type=float, default=5.0, help="seconds between looks at the schedule")

    def handle(self, *args, once=False, tick=5.0, **options):
        if not settings.DEBUG:
            raise CommandError("demo_sweeps stands in for Celery beat in the demo: it runs only with DEBUG on.")
        parent = os.getppid()
        last_run = dict.fromkeys(settings.CELERY_BEAT_SCHEDULE)
        while True:
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
                schedule = maybe_schedule(entry["schedule"])
                if last_run[name] is None or schedule.is_due(last_run[name]).is_due:
                    last_run[name] = timezone.now()
                    self._run(name, entry["task"])
            # Stop with the web server that started this (make run's Ctrl-C), or after one round if asked.
            if once or os.getppid() != parent:
                return
            time.sleep(tick)

    def _run(self, name: str, task: str) -> None:
        if not connection.in_atomic_block:  # a long-lived process drops a connection the database has closed
            close_old_connections()
        try:
            done = import_string(task)()
        except Exception:
            logger.exception("The sweep %r failed: it runs again on its schedule", name)
            return
        if done:
            at = timezone.localtime().strftime("%H:%M")
            self.stdout.write(f"{at} {name}: {done}")
