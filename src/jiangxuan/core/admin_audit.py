"""Every write through the Django admin enters the audit chain (issue 16.3; 等保 安全审计:
the administrator's actions are audited like anyone's).

The admin records each addition, change and deletion as a ``LogEntry``; a receiver copies
it into the audit chain as ``admin.add`` / ``admin.change`` / ``admin.delete`` with the
administrator, the object and the admin's change message. Deleting several objects at once
writes its log entries in bulk, without signals, so the admin's bulk delete action is
switched off (``core.apps``): objects are deleted one at a time, each audited.
"""

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry

from .audit import record_audit

ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def audit_admin_log_entry(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    """``post_save`` receiver of ``LogEntry``: one audit entry per new log entry."""
    if not created:
        return
    content_type = instance.content_type
    record_audit(
        actor=instance.user,
        action=ACTIONS.get(instance.action_flag, "admin.other"),
        object_type=content_type.app_label + "." + content_type.model if content_type else "",
        object_id=str(instance.object_id or "")[:40],
        role="platform_admin",
        after={"change": instance.get_change_message()},
    )
