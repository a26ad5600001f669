"""The staff home page (我的工作台, issue 15.13): what waits for the signed-in user, a
section per role held. Thin: everything shown comes from
``selectors_home.workbench_of``."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jiangxuan.accounts.http import AuthenticatedHttpRequest

from .selectors_home import workbench_of


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in user's work: drafts and returns with deadlines (clerk), the review
    queue with the levels' deadlines (reviewer), each campaign's state and what waits in
    it (campaign office), panels and assignments left to score (expert), the audit trail
    (auditor); each item links to the page where it is done."""
    return render(request, "overview/home.html", {"bench": workbench_of(request.user)})
