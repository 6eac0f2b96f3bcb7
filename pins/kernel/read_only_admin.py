"""What the Django admin may and may not do with rows a service holds.

The admin shows such rows but cannot add, change or delete them: a change goes through the service's own
page, or through an admin action that calls the service as the signed-in admin, so its rules, its day
counters and its audit (history, AccessEvent) hold there too.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from pins.kernel.errors import RuleBroken
from pins.kernel.history import timeline


class ReadOnly:
    """No add, change or delete page: services alone write these rows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistory(ReadOnly):
    """For a model kept in the row history (pins.kernel.history): its History page lists the row's events from the
    database, with who made each change and what changed, in place of Django's log of admin actions."""

    def history_view(self, request, object_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        row = self.get_object(request, unquote(object_id))
        if row is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, row):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"History of {row}",
            "subtitle": None,
            "object": row,
            "opts": self.opts,
            "entries": timeline(row.history_events.all()),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/row_history.html", context)


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True


class ServiceActions:
    """Admin actions that call a service. Running one needs the model's Django change permission (a
    superuser has every permission), although the change page itself stays closed."""

    def has_run_service_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")

    def run_service(self, request, queryset, service: Callable, *, done: str) -> None:
        """Call `service` on each selected row; a rule it refuses is shown for that row, the others go on."""
        succeeded = 0
        for row in queryset:
            try:
                service(row)
            except RuleBroken as error:
                self.message_user(request, f"{row}: {error.message}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{done}: {succeeded} of {len(queryset)} selected.", messages.SUCCESS)
