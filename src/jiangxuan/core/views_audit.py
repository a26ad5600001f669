"""The auditor's read-only audit trail page and its CSV/XLSX export (issue 16.6)."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from .audit import record_audit
from .audit_trail import AuditFilter, audit_csv, audit_xlsx, can_read_audit_trail
from .audit_trail import search_audit_entries as search

#: Rows in one export; narrow the filter for more (a whole trail is the backup's job).
EXPORT_LIMIT = 50_000
PAGE_SIZE = 100


class AuditFilterForm(forms.Form):
    """The search form; every field optional."""

    actor = forms.CharField(label=gettext_lazy("操作人"), required=False, max_length=150)
    action = forms.CharField(label=gettext_lazy("动作"), required=False, max_length=60)
    campaign = forms.SlugField(label=gettext_lazy("评选活动代码"), required=False)
    date_from = forms.DateField(label=gettext_lazy("开始日期"), required=False)
    date_to = forms.DateField(label=gettext_lazy("结束日期"), required=False)
    q = forms.CharField(label=gettext_lazy("对象或关键词"), required=False, max_length=60)


@require_safe
def audit_trail(request: HttpRequest) -> HttpResponse:
    """审计记录（审计员只读）：按操作人、动作、评选活动、日期筛选，可导出 CSV / XLSX
    (``?format=csv`` / ``xlsx``; each export is itself audited). 404 for everyone else,
    the platform administrator included (三员分立)."""
    if not can_read_audit_trail(request.user):
        raise Http404(_("未找到该页面。"))
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilter(**form.cleaned_data) if form.is_valid() else AuditFilter()
    entries = search(filters)
    file_format = request.GET.get("format", "")
    if file_format in ("csv", "xlsx") and form.is_valid():
        rows = list(entries[:EXPORT_LIMIT])
        record_audit(
            actor=request.user,
            action="audit.export",
            object_type="core.auditentry",
            after={"format": file_format, "rows": len(rows), "filters": request.GET.dict()},
        )
        if file_format == "csv":
            data, content_type = audit_csv(rows), "text/csv; charset=utf-8"
        else:
            data = audit_xlsx(rows)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(data, content_type=content_type)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{file_format}"'
        return response
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "core/audit_trail.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
