"""Public vote (网络投票, seed 003 二(二)3)."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "voting"

urlpatterns = [
    # Public (no login).
    path("", views.vote_index, name="index"),
    path("receipt/", views.receipt_check, name="receipt_check"),
    path("receipt/<str:receipt>/", views.receipt_page, name="receipt"),
    # Campaign office.
    path("office/<slug:code>/", views.office_vote, name="office"),
    path("office/<slug:code>/prepare/", views.office_prepare, name="office_prepare"),
    path("office/<slug:code>/open/", views.office_state, {"action": "open"}, name="office_open"),
    path("office/<slug:code>/close/", views.office_state, {"action": "close"}, name="office_close"),
    path("office/<slug:code>/invalidate/", views.office_invalidate, name="office_invalidate"),
    path("office/<slug:code>/anomalies/", views.office_anomalies, name="office_anomalies"),
    # Public, per campaign.
    path("<slug:code>/", views.vote_page, name="vote"),
    path("<slug:code>/c/<str:public_id>/", views.candidate_page, name="candidate"),
    path("<slug:code>/verify/", views.verify_page, name="verify"),
    path("<slug:code>/cast/", views.cast_page, name="cast"),
    # Deprecated, kept for one release (issue 11.4): the voting form's former address.
    path(
        "<slug:code>/ballot/",
        RedirectView.as_view(pattern_name="voting:cast", permanent=True, query_string=True),
        name="ballot_moved",
    ),
]
