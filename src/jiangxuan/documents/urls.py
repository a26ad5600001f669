from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("nominations/<int:pk>/form.docx", views.nomination_docx, name="nomination_docx"),
    path("nominations/<int:pk>/form.pdf", views.nomination_pdf, name="nomination_pdf"),
    path("nominations/<int:pk>/form.ofd", views.nomination_ofd, name="nomination_ofd"),
    path("campaigns/<slug:code>/summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path(
        "campaigns/<slug:code>/sheets/<slug:document>.<str:file_format>",
        views.sheet,
        name="sheet",
    ),
    path("campaigns/<slug:code>/bundles/<int:pk>/", views.bundle, name="bundle"),
    path(
        "campaigns/<slug:code>/bundles/<slug:kind>/",
        views.bundle_request,
        name="bundle_request",
    ),
    path(
        "campaigns/<slug:code>/bundles/<int:pk>/file.zip",
        views.bundle_file,
        {"file_format": "zip"},
        name="bundle_file",
    ),
    path(
        "campaigns/<slug:code>/bundles/<int:pk>/file.xlsx",
        views.bundle_file,
        {"file_format": "xlsx"},
        name="bundle_sheet",
    ),
]

#: Documents of the level-by-level review, served in the ``nominations`` namespace beside
#: the forwarding page (jiangxuan/urls.py): nominations sits below documents.
review_urlpatterns = [
    path(
        "review/forward/<slug:level>/<int:body_id>/summary.xlsx",
        views.forward_summary,
        name="forward_summary",
    ),
]
