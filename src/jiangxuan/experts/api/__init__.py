"""API: expert review — the pool, panels and witnessed draws, recusal, the confidentiality
undertaking, score sheets, progress and the ranking table, ballots and site inspections.

One router (tag 专家评审) made of one module per sub-domain: ``pool``, ``panels``,
``memberships`` (the expert's own panels), ``scoring``, ``ballots``, ``inspections``;
``common`` holds what they share. The same selectors and services as the web pages
(views.py, views_scoring.py, views_inspections.py): office endpoints fetch panels, experts
and ballots through the ``*_for_office`` selectors and an expert's through the
``*_for_expert`` ones, so anything outside the caller's reach answers 404. Nominations
reach an expert only after the confidentiality undertaking (``assignments_for_expert``);
phones and ID numbers are always masked here, and a blind panel hides names and
workplaces (issue 4).

Errors use the common shape: a service's ExpertError answers 400 with the field named, or
409 when the object's state forbids the action (drawn already, ballot closed, voted
already, panel closed, no reserve left); a permission the selectors cannot settle, 403.
"""

from ninja import Router

from . import ballots, inspections, memberships, panels, pool, scoring

router = Router(tags=["专家评审"])
for module in (pool, panels, memberships, scoring, ballots, inspections):
    router.add_router("", module.router)

__all__ = ["router"]
