"""A nomination's history as recorded in the audit trail."""

from django.db.models import QuerySet

from jiangxuan.core.models import AuditEntry

from .models import Nomination


def nomination_history(nomination: Nomination) -> QuerySet[AuditEntry]:
    """Audit entries about ``nomination``, oldest first (with the acting user).

    Entries hold no unmasked personal data (services write only field names and
    states), so they may be shown to anyone who can see the nomination.
    """
    return (
        AuditEntry.objects.filter(
            object_type=Nomination._meta.label_lower, object_id=str(nomination.pk)
        )
        .select_related("actor")
        .order_by("id")
    )
