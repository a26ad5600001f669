"""Pages: a user's notifications (mark read, mark all read) and the campaign office's
outbox (review, edit, approve or discard e-mail to nominees and units).

Thin: objects come from the selectors (another campaign's outbox message answers 404),
writes are one service call.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxuan.accounts.http import AuthenticatedHttpRequest

from . import selectors, services
from .enums import OutboxState
from .forms import OutboxMessageForm
from .services import OutboxError


@login_required
@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's notifications, newest first."""
    context = {
        "notifications": selectors.notifications_for(request.user),
        "show_outbox": selectors.runs_any_outbox(request.user),
    }
    return render(request, "notifications/notification_list.html", context)


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with ``open`` go on to its link."""
    note = selectors.notification_for(request.user, pk)
    if note is None:
        raise Http404(_("没有找到该通知。"))
    services.mark_read(request.user, notification_ids=[note.pk])
    safe = url_has_allowed_host_and_scheme(note.link, allowed_hosts={request.get_host()})
    if "open" in request.POST and note.link and safe:
        return redirect(note.link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark all of the user's notifications read."""
    changed = services.mark_read(request.user)
    messages.success(request, _("已将%(n)d条通知标为已读。") % {"n": changed})
    return redirect("notifications:list")


@login_required
@require_GET
def outbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The office's outbox: drafts by default, or the messages in ``?state=``."""
    state = request.GET.get("state", OutboxState.DRAFT)
    if state not in OutboxState.values:
        state = OutboxState.DRAFT
    if not selectors.runs_any_outbox(request.user):
        raise Http404(_("没有找到待发邮件。"))
    context = {
        "messages_list": list(selectors.outbox_for(request.user, state=state)[:200]),
        "state": state,
        "states": OutboxState.choices,
    }
    return render(request, "notifications/outboxmessage_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outbox_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One message: a draft can be edited ("save"), approved ("approve", which also
    keeps the edits) or discarded ("discard")."""
    message = selectors.outbox_message_for(request.user, pk)
    if message is None:
        raise Http404(_("没有找到该邮件。"))
    initial = {"subject": message.subject, "body": message.body}
    form = OutboxMessageForm(request.POST or None, initial=initial)
    if request.method == "POST":
        try:
            if "discard" in request.POST:
                services.discard_outbox_message(message, actor=request.user)
                messages.success(request, _("邮件已放弃，不会发送。"))
                return redirect("notifications:outbox")
            if form.is_valid():
                if form.has_changed():
                    message = services.edit_outbox_message(
                        message, actor=request.user, **form.cleaned_data
                    )
                if "approve" in request.POST:
                    services.approve_outbox_message(message, actor=request.user)
                    messages.success(request, _("邮件已审核通过，将立即发送。"))
                    return redirect("notifications:outbox")
                messages.success(request, _("邮件已保存。"))
                return redirect("notifications:outbox_detail", pk=message.pk)
        except OutboxError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except PermissionDenied as exc:
            raise Http404(str(exc)) from exc
    context = {
        "message": message,
        "form": form,
        "editable": message.state in OutboxState.EDITABLE,
    }
    return render(request, "notifications/outboxmessage_detail.html", context)
