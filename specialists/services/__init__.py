"""Writes of the scheduling context, one module per entity: visits (and the plan's booking), outcomes, change
requests, closure dates, specialists' time away, calendar feeds and reminders; the day counters they keep.
Imported here so callers need not know which module holds a service."""

from specialists.services.calendar_feed import calendar_feed_create, calendar_feed_revoke, calendar_token_hash
from specialists.services.change_request import (
    change_request_email_send,
    change_request_emails_send_unsent,
    change_request_resolve,
    visit_change_request,
    visit_decline,
)
from specialists.services.closure_date import closure_date_add, closure_date_remove
from specialists.services.counters import open_visits_fold, visit_counters_recount
from specialists.services.not_held import visit_record_not_held
from specialists.services.notice import notice_send, notices_send_unsent, visit_notices_write
from specialists.services.outcome import visit_record_outcome
from specialists.services.plan import plan_book
from specialists.services.reminder import reminders_send
from specialists.services.specialist import (
    specialists_transfer_to_successor,
    unavailability_check,
    unavailability_record,
)
from specialists.services.visit import visit_allocate, visit_cancel, visit_confirm, visit_reschedule

__all__ = [
    "calendar_feed_create",
    "calendar_feed_revoke",
    "calendar_token_hash",
    "change_request_email_send",
    "change_request_emails_send_unsent",
    "change_request_resolve",
    "closure_date_add",
    "closure_date_remove",
    "notice_send",
    "notices_send_unsent",
    "open_visits_fold",
    "plan_book",
    "reminders_send",
    "specialists_transfer_to_successor",
    "unavailability_check",
    "unavailability_record",
    "visit_allocate",
    "visit_cancel",
    "visit_change_request",
    "visit_confirm",
    "visit_counters_recount",
    "visit_decline",
    "visit_notices_write",
    "visit_record_not_held",
    "visit_record_outcome",
    "visit_reschedule",
]
