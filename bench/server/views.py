"""The two references of the wrk comparison (issue 17 "Speed goals").

``naive_vote``: what a first Django version of a ballot would do. JSON in
(``{"voter": id, "candidate": public id}``), inside ``transaction.atomic()`` one SELECT of
the voter row (the project's ``voting_voter`` table) and one INSERT into the bench's own
table ``bench_naive_vote`` (so the project's votes and its recount are untouched), JSON out
with 201. No token, no limits, no risk counters: the floor the real ballot is compared with.

``cached_page``: a small template rendered once and then served from Django's cache (the
project's Redis cache) in one read, the reference of the public pages.
"""

from __future__ import annotations

import json

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from jiangxuan.voting.models import Voter

from .models import NaiveVote

CACHE_KEY = "jx:bench:cached-page"


@csrf_exempt
@require_POST
def naive_vote(request: HttpRequest) -> JsonResponse:
    try:
        data = json.loads(request.body)
        voter_id, candidate = int(data["voter"]), str(data["candidate"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "bad request"}, status=400)
    with transaction.atomic():
        voter = Voter.objects.filter(pk=voter_id).values("id", "public_vote_id").first()
        if voter is None:
            return JsonResponse({"detail": "no such voter"}, status=404)
        row = NaiveVote.objects.create(
            voter_id=voter["id"], candidate=candidate, created_at=timezone.now()
        )
    return JsonResponse({"id": row.pk, "voter": voter["id"], "candidate": candidate}, status=201)


@require_GET
def cached_page(request: HttpRequest) -> HttpResponse:
    html = cache.get(CACHE_KEY)
    if html is None:
        html = render_to_string(
            "bench/cached_page.html", {"title": "公示", "items": [f"候选人{i}" for i in range(12)]}
        )
        cache.set(CACHE_KEY, html, 60)
    return HttpResponse(html)
