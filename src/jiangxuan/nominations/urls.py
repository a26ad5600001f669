from django.urls import path

from . import views

app_name = "nominations"

urlpatterns = [
    path("", views.nomination_list, name="list"),
    path("new/", views.nomination_create, name="create"),
    path("<int:pk>/", views.nomination_detail, name="detail"),
    path("<int:pk>/edit/", views.nomination_edit, name="edit"),
    path("<int:pk>/autosave/", views.nomination_autosave, name="autosave"),
    path("<int:pk>/submit/", views.nomination_submit, name="submit"),
    path("<int:pk>/withdraw/", views.nomination_withdraw, name="withdraw"),
    path("<int:pk>/override/", views.nomination_override, name="override"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path(
        "<int:pk>/evidence/<int:evidence_id>/delete/",
        views.evidence_delete,
        name="evidence_delete",
    ),
]
