from django.urls import path

from . import views, views_inspections, views_scoring

app_name = "experts"

urlpatterns = [
    # Campaign office: the pool, panels and draws.
    path("pool/", views.pool, name="pool"),
    path("pool/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("campaign/<slug:code>/panels/", views.panel_list, name="panel_list"),
    path("panels/<int:pk>/", views.panel_detail, name="panel_detail"),
    path("panels/<int:pk>/draw/", views.panel_draw, name="panel_draw"),
    path("panels/<int:pk>/draw.json", views.draw_record, name="draw_record"),
    path("panels/<int:pk>/reserves/", views.panel_reserves, name="panel_reserves"),
    path("panels/<int:pk>/chair/", views.panel_chair, name="panel_chair"),
    path("panels/<int:pk>/recusal/", views.panel_recusal, name="panel_recusal"),
    # Experts: their own memberships.
    path("mine/", views.my_panels, name="my_panels"),
    path("mine/<int:pk>/", views.membership_detail, name="membership_detail"),
    path("mine/<int:pk>/confirm/", views.membership_confirm, name="membership_confirm"),
    path("mine/<int:pk>/recusal/", views.membership_recusal, name="membership_recusal"),
]

# Scoring and ballots (views_scoring): experts score and vote, the chair closes and signs,
# the office sees the aggregation table and results.
urlpatterns += [
    path("scoring/", views_scoring.scoring_list, name="scoring_list"),
    path("scoring/<int:pk>/", views_scoring.scoring_sheet, name="scoring_sheet"),
    path(
        "scoring/<int:pk>/evidence/<int:evidence_id>/",
        views_scoring.scoring_evidence,
        name="scoring_evidence",
    ),
    path("ballots/<int:pk>/vote/", views_scoring.ballot_vote, name="ballot_vote"),
    path("ballots/<int:pk>/close/", views_scoring.ballot_close, name="ballot_close"),
    path("ballots/<int:pk>/sign/", views_scoring.ballot_sign, name="ballot_sign"),
    path("ballots/<int:pk>/", views_scoring.ballot_result, name="ballot_result"),
    path("panels/<int:pk>/scores/", views_scoring.panel_scores, name="panel_scores"),
    path("panels/<int:pk>/scores/remind/", views_scoring.panel_remind, name="panel_remind"),
    path(
        "panels/<int:pk>/scores/close/",
        views_scoring.panel_close_scoring,
        name="panel_close_scoring",
    ),
    path("panels/<int:pk>/ballots/new/", views_scoring.ballot_open, name="ballot_open"),
]

# Site inspections (views_inspections): the office schedules, records and lists them.
urlpatterns += [
    path(
        "panels/<int:pk>/inspections/",
        views_inspections.panel_inspections,
        name="panel_inspections",
    ),
    path(
        "panels/<int:pk>/inspections/<int:inspection_pk>/",
        views_inspections.inspection_record,
        name="inspection_record",
    ),
    path(
        "panels/<int:pk>/inspections/<int:inspection_pk>/cancel/",
        views_inspections.inspection_cancel,
        name="inspection_cancel",
    ),
    path(
        "campaign/<slug:code>/inspections/",
        views_inspections.campaign_inspections,
        name="campaign_inspections",
    ),
]
