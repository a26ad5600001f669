from django.urls import path

from . import views, views_campaign, views_review

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
        "<int:pk>/evidence/<int:evidence_id>/poster.jpg",
        views.evidence_poster,
        name="evidence_poster",
    ),
    path(
        "<int:pk>/evidence/<int:evidence_id>/delete/",
        views.evidence_delete,
        name="evidence_delete",
    ),
    # Level-by-level review (views_review); the level's summary sheet is added to this
    # namespace by documents (documents.urls.review_urlpatterns).
    path("review/", views_review.review_queue, name="review_queue"),
    path("<int:pk>/sign-off/", views_review.sign_off, name="sign_off"),
    path("review/forward/<slug:level>/<int:body_id>/", views_review.forward, name="forward"),
    path(
        "review/forward/<slug:level>/<int:body_id>/letter.docx",
        views_review.forward_letter,
        name="forward_letter",
    ),
    path(
        "review/forward-documents/<int:document_id>/",
        views_review.forward_document,
        name="forward_document",
    ),
    path(
        "review/forward-documents/<int:document_id>/delete/",
        views_review.forward_document_delete,
        name="forward_document_delete",
    ),
]

#: A campaign's page, served in the ``campaigns`` namespace (jiangxuan/urls.py): it shows
#: the user's nominating unit's quotas and their use, which campaigns cannot read.
campaign_urlpatterns = [
    path("<slug:code>/", views_campaign.campaign_detail, name="detail"),
]
