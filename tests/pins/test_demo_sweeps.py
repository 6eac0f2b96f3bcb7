"""`make run`'s sweeps: the beat schedule's tasks run in a process of their own, on their schedules, and print
the e-mails on the console; refused outside the demo."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from specialists.models import Notice, Session
from specialists.services import visit_reschedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_installed")]


@pytest.fixture
def demo_installed(settings):
    """The demo's commands, as `make run` has them: the demo app is installed only where the demo runs."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "pins.demo"]


def test_one_round_runs_every_sweep_and_sends_what_is_due(world, settings, time_machine):
    settings.DEBUG = True
    time_machine.move_to(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC), tick=False)
    visit_reschedule(visit=world.visit_a, date=datetime.date(2026, 12, 1), session=Session.MORNING, by=None)
    time_machine.move_to(datetime.datetime(2026, 11, 25, 10, 5, tzinfo=datetime.UTC), tick=False)
    out = io.StringIO()

    call_command("demo_sweeps", "--once", stdout=out)

    subjects = [message.subject for message in mail.outbox]
    assert "send unsent notices: 2" in out.getvalue()  # the move's, whose queueing never ran in this test
    assert subjects.count("PINS visit moved to Tuesday 1 December: Ada Alpha at Alpha Primary School") == 2
    assert any(subject.startswith("PINS week for Alpha ICB") for subject in subjects)
    assert not Notice.objects.unsent().exists()
    mail.outbox.clear()
    call_command("demo_sweeps", "--once", stdout=io.StringIO())
    assert not [message for message in mail.outbox if "moved" in message.subject]


def test_the_sweeps_stop_with_the_process_that_started_them(world, settings, monkeypatch):
    settings.DEBUG = True
    parents = iter([100, 100, 1])  # make run's web server, then init once it has stopped

    monkeypatch.setattr("os.getppid", lambda: next(parents))
    monkeypatch.setattr("time.sleep", lambda seconds: None)

    call_command("demo_sweeps", "--tick", "0", stdout=io.StringIO())  # returns, rather than running forever


def test_the_sweeps_run_only_in_the_demo(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("demo_sweeps", "--once")
