"""Drive nominations of a seed campaign through their whole review chain, level by level,
through the public services only: the chain's bodies sign (review.sign_off), the campaign
office holds the level's public notice and background check (notices.services), and the
level's body forwards its ranked list (review.forward_nominations).

Only users and memberships are arranged directly; the clock is a time-machine traveller
that moves on as notices run (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, OrgUnit, User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.nominations import review, services
from jiangxuan.nominations.chain import bodies_at, level_named, levels_for
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision, Forwarding, LevelClearance, Nomination
from jiangxuan.notices import services as notices
from jiangxuan.notices.enums import BackgroundCheckState, NoticeState
from jiangxuan.notices.models import BackgroundCheck, PublicNotice

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Office hours on the platform's clock: every action of a day happens from then on.
OFFICE_HOUR = dt.time(9, 0)


def at(day: dt.date, time: dt.time = OFFICE_HOUR) -> dt.datetime:
    """An aware Shanghai moment on ``day``."""
    return dt.datetime.combine(day, time, tzinfo=SHANGHAI)


class ChainRun:
    """One campaign's nominations travelling its chain; use as a context manager.

    ``nominate`` and ``complete`` are the nominations test fixtures of the same names;
    ``start`` is when the clerks submit (inside the campaign's submission window).
    """

    def __init__(
        self,
        campaign: Campaign,
        *,
        nominate: Callable[..., Nomination],
        complete: Callable[..., Nomination],
        start: dt.datetime,
    ) -> None:
        self.campaign = campaign
        self._nominate = nominate
        self._complete = complete
        self.start = start
        self._users: dict[tuple[int, str], User] = {}
        self._travel: Any = None
        self._traveller: Any = None
        assert campaign.organizer_unit is not None
        self.office = self.user(campaign.organizer_unit, Role.CAMPAIGN_OFFICE, campaign=campaign)

    def __enter__(self) -> ChainRun:
        self._travel = time_machine.travel(self.start, tick=False)
        self._traveller = self._travel.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._travel.stop()

    # ------------------------------------------------------------------ people and time

    def user(self, unit: OrgUnit, role: str, *, campaign: Campaign | None = None) -> User:
        """The one user holding ``role`` at ``unit`` (created on first use)."""
        key = (unit.pk, role)
        if key not in self._users:
            user = User.objects.create_user(f"{role}-{unit.code}", password="x")
            Membership.objects.create(user=user, org_unit=unit, role=role, campaign=campaign)
            self._users[key] = user
        return self._users[key]

    def reviewer(self, unit: OrgUnit) -> User:
        return self.user(unit, Role.REVIEWER)

    def today(self) -> dt.date:
        return timezone.localdate()

    def move_to(self, day: dt.date) -> None:
        """Move the clock to office hours of ``day`` (never backwards)."""
        assert day >= self.today(), (day, self.today())
        self._traveller.move_to(at(day))

    # ------------------------------------------------------------------ nominations

    def nominate(
        self,
        award: str,
        workplace: OrgUnit,
        *,
        uploads: Iterable[tuple[str, Any]] = (),
        **core: Any,
    ) -> Nomination:
        """A complete draft by the workplace's clerk (consenting to publication), with
        ``uploads`` as (material, file) evidence."""
        clerk = self.user(workplace, Role.CLERK)
        nomination = self._nominate(self.campaign, award, clerk, workplace=workplace, **core)
        services.save_nomination(
            nomination, actor=clerk, core={}, extra={}, publication_consent=True
        )
        for material, upload in uploads:
            services.add_evidence(nomination, actor=clerk, material=material, upload=upload)
        return self._complete(nomination, clerk)

    def submit(self, nominations: Iterable[Nomination]) -> None:
        """Submit each nomination by its workplace's clerk at the current time."""
        for n in nominations:
            assert n.workplace is not None
            services.submit_nomination(n, actor=self.user(n.workplace, Role.CLERK))
            n.refresh_from_db()
            assert n.state == NominationState.SUBMITTED, n.state

    # ------------------------------------------------------------------ one level

    @staticmethod
    def forwarding_body(nomination: Nomination) -> OrgUnit:
        """The body that holds the level's notice and forwards: the nominating unit where it
        signs at the level (its quota counts there), else the level's first body."""
        pairs = bodies_at(nomination, current_level(nomination))
        bodies = [body for _signer, body in pairs if body is not None]
        assert len(bodies) == len(pairs), pairs
        unit = nomination.nominating_unit
        return unit if unit is not None and unit in bodies else bodies[0]

    def sign(self, nominations: Iterable[Nomination]) -> None:
        """Every distinct body the chain names at each nomination's level approves (a body
        named for two signers, e.g. a workplace without its own union, signs once)."""
        for n in nominations:
            level = current_level(n)
            signed: set[int] = set()
            for signer, body in bodies_at(n, level):
                assert body is not None, (level.code, signer)
                if body.pk in signed:
                    continue
                review.sign_off(
                    n, actor=self.reviewer(body), signer=signer, decision=Decision.APPROVE
                )
                signed.add(body.pk)
            n.refresh_from_db()
            assert n.level_ready, n.level
            assert n.state == NominationState.IN_REVIEW, n.state

    def open_notices(self, nominations: list[Nomination]) -> list[PublicNotice]:
        """The office opens the level's public notice, one per organizing body, from the
        next day on; a department is asked for its opinion where the level requires it."""
        level = current_level(nominations[0])
        starts_on = self.today() + dt.timedelta(days=1)
        opened = []
        for body, group in by_body(nominations):
            if level.notice:
                opened.append(
                    notices.open_public_notice(
                        self.campaign,
                        stage=level.code,
                        body=body,
                        nominations=group,
                        starts_on=starts_on,
                        actor=self.office,
                    )
                )
            if level.background_check:
                checks = notices.request_background_checks(
                    self.campaign,
                    group,
                    stage=level.code,
                    due_on=starts_on + dt.timedelta(days=7),
                    actor=self.office,
                )
                assert len(checks) == len(group)
        if opened:
            self.move_to(starts_on)
        return opened

    def answer_background_checks(self, nominations: Iterable[Nomination]) -> None:
        """The department answers favourably for every pending check of the nominations."""
        for check in BackgroundCheck.objects.filter(
            nomination__in=list(nominations), state=BackgroundCheckState.REQUESTED
        ):
            notices.record_background_opinion(
                check, actor=self.office, opinion="经查，未发现违法犯罪记录。", adverse=False
            )

    def close_notices(self, opened: Iterable[PublicNotice]) -> None:
        """Travel past each notice's last day and close it (records the clearances)."""
        for notice in opened:
            self.move_to(max(self.today(), notice.ends_on + dt.timedelta(days=1)))
            notices.close_public_notice(notice, actor=self.office)
            assert notice.state == NoticeState.CLOSED

    def forward(self, nominations: list[Nomination]) -> None:
        """Each forwarding body forwards its nominations, ranked in the given order."""
        for body, group in by_body(nominations):
            level = group[0].level
            upload_forward_documents(self.campaign, level, body, self.reviewer(body), group)
            review.forward_nominations(
                self.campaign,
                level=level,
                body=body,
                actor=self.reviewer(body),
                order=[n.pk for n in group],
            )
            for n in group:
                n.refresh_from_db()

    def run_level(
        self,
        nominations: list[Nomination],
        *,
        during_notice: Callable[[list[PublicNotice]], None] | None = None,
    ) -> list[Nomination]:
        """Take the nominations (all at the same level) through it: sign, notice and
        background check where the level prescribes them, forward ranked. Nominations
        that ``during_notice`` revokes stay behind. Returns those forwarded."""
        codes = {n.level for n in nominations}
        assert len(codes) == 1, codes
        self.sign(nominations)
        opened = self.open_notices(nominations)
        if during_notice is not None:
            during_notice(opened)
        self.answer_background_checks(nominations)
        self.close_notices(opened)
        for n in nominations:
            n.refresh_from_db()
        live = [n for n in nominations if n.state in NominationState.LIVE]
        self.forward(live)
        return live

    def run_chain(self, nominations: list[Nomination]) -> list[Nomination]:
        """Run every level until each nomination is approved (handed over to expert
        review); nominations of different routes advance level by level together."""
        pending = list(nominations)
        while pending:
            code = pending[0].level
            here = [n for n in pending if n.level == code]
            self.run_level(here)
            pending = [n for n in pending if n.state != NominationState.APPROVED]
        return nominations

    # ------------------------------------------------------------------ objections

    def revoke_by_objection(self, notice: PublicNotice, nomination: Nomination) -> Any:
        """Someone objects anonymously during the notice; the office assigns it to a
        reviewer of the body that holds the notice, who finds falsification; the office
        revokes the nomination and reduces the nominating unit's quota (seed 001 三(二)4).
        Returns the answered objection."""
        objection = notices.file_objection(
            notice,
            text="该推荐对象申报的竞赛获奖证书系伪造，请核查。",
            nomination=nomination,
            anonymous=True,
        )
        assert notice.body is not None
        verifier = self.reviewer(notice.body)
        notices.assign_objection(objection, assignee=verifier, actor=self.office)
        notices.record_finding(
            objection, actor=verifier, finding="经核查，获奖证书系伪造。", falsified=True
        )
        return notices.answer_objection(
            objection,
            actor=self.office,
            answer="经核查属实，撤销其推荐资格，不得递补或重报。",
            outcome="nomination_revoked",
            penalty_kind="reduce_quota",
            penalty_amount=1,
        )


# ---------------------------------------------------------------------- reads for asserts


def current_level(nomination: Nomination) -> Any:
    level = level_named(nomination, nomination.level)
    assert level is not None, nomination.level
    return level


def by_body(nominations: Iterable[Nomination]) -> list[tuple[OrgUnit, list[Nomination]]]:
    """Nominations grouped by their forwarding body, each group in the given order."""
    groups: dict[int, tuple[OrgUnit, list[Nomination]]] = {}
    for n in nominations:
        body = ChainRun.forwarding_body(n)
        groups.setdefault(body.pk, (body, []))[1].append(n)
    return list(groups.values())


def upload_forward_documents(campaign, level: str, body: OrgUnit, actor, group) -> None:
    """Upload, as ``actor`` of ``body``, a small PDF for each required forward document of
    the level it has not sent yet (review_chain.forward_documents; seed 001 四(一)(二))."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiangxuan.nominations import forward_documents

    from .conftest import PDF_BYTES

    for document in forward_documents.missing_documents(campaign, level, body, group):
        forward_documents.add_forward_document(
            campaign,
            level=level,
            body=body,
            actor=actor,
            document=document.code,
            upload=SimpleUploadedFile(f"{document.code}.pdf", PDF_BYTES, "application/pdf"),
        )


def forwardings(nomination: Nomination) -> list[tuple[str, str, int]]:
    """(level, body code, rank) of each forwarding, in the order they happened."""
    return [
        (f.level, f.body.code, f.rank)
        for f in Forwarding.objects.filter(nomination=nomination)
        .select_related("body")
        .order_by("id")
    ]


def notices_of(nomination: Nomination) -> list[PublicNotice]:
    """The public notices that listed the nomination, in the order they were opened."""
    return list(PublicNotice.objects.filter(entries__nomination=nomination).order_by("id"))


def clearances(nomination: Nomination) -> list[tuple[str, str]]:
    return sorted(LevelClearance.objects.filter(nomination=nomination).values_list("level", "kind"))


def assert_handed_over(nomination: Nomination, expected_levels: list[str]) -> None:
    """The nomination is approved (handed over to expert review) after forwarding at
    exactly ``expected_levels`` in order, each a level of its chain; it was on the public
    notice of each level that prescribes one, held for the specification's length and
    day unit and closed; each level's notice and background check cleared it."""
    nomination.refresh_from_db()
    assert nomination.state == NominationState.APPROVED
    chain = levels_for(nomination)
    assert [lv.code for lv in chain] == expected_levels
    assert [level for level, _body, _rank in forwardings(nomination)] == expected_levels
    noticed = [lv for lv in chain if lv.notice]
    held = notices_of(nomination)
    assert [n.stage for n in held] == [lv.code for lv in noticed]
    for notice, lv in zip(held, noticed, strict=True):
        assert lv.notice is not None
        assert (notice.days, notice.day_unit) == (lv.notice.days, lv.notice.day_unit)
        assert notice.state == NoticeState.CLOSED
        assert timezone.localtime(notice.closed_at).date() > notice.ends_on
    expected_clearances = sorted(
        [(lv.code, "notice") for lv in noticed]
        + [(lv.code, "background_check") for lv in chain if lv.background_check]
    )
    assert clearances(nomination) == expected_clearances
