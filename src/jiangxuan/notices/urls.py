from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    # Public (no login).
    path("", views.public_list, name="public_list"),
    path("<int:pk>/", views.public_detail, name="public_detail"),
    path("<int:pk>.json", views.public_json, name="public_json"),
    path("<int:pk>/entries/<int:position>/", views.public_entry, name="public_entry"),
    path(
        "<int:pk>/entries/<int:position>/photo/",
        views.public_entry_photo,
        name="public_entry_photo",
    ),
    path("<int:pk>/object/", views.objection_create, name="object"),
    path("<int:pk>/object/done/", views.objection_filed, name="objection_filed"),
    # Campaign office (and, for a level's notice, the body holding it).
    path("campaign/<slug:code>/", views.campaign_notices, name="campaign_notices"),
    path("campaign/<slug:code>/open/", views.notice_open, name="open"),
    path("campaign/<slug:code>/checks/", views.background_checks, name="background_checks"),
    # A body that signs at a review level: that level's notice (?campaign=).
    path("level/<slug:level>/<int:body_id>/open/", views.level_notice_open, name="level_open"),
    path("<int:pk>/manage/", views.notice_manage, name="manage"),
    path("<int:pk>/publish/", views.notice_publish, name="publish"),
    path("<int:pk>/close/", views.notice_close, name="close"),
    *[
        path(
            f"objections/<int:pk>/{action}/",
            views.objection_action,
            {"action": action},
            name=f"objection_{action}",
        )
        for action in ("assign", "finding", "answer")
    ],
    path(
        "objections/<int:pk>/attachment/",
        views.objection_attachment,
        name="objection_attachment",
    ),
    path("checks/<int:pk>/", views.background_check_detail, name="background_check"),
    path("checks/<int:pk>/form.docx", views.background_check_form, name="background_check_form"),
    path(
        "checks/<int:pk>/form.pdf",
        views.background_check_form_pdf,
        name="background_check_form_pdf",
    ),
    path("checks/<int:pk>/scan/", views.background_check_scan, name="background_check_scan"),
]
