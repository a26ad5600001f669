"""Writes for notifications and the e-mail outbox: the public API other code calls.

Each ``notify_*`` function writes in-app notifications in the caller's transaction and
defers the e-mail with ``transaction.on_commit`` (docs/conventions.md 8.2): a platform user with an
e-mail address gets the same message by mail, through an approved outbox message that
the ``send_outbox_message`` task delivers (:mod:`.delivery`). Mail to nominees and units
(addresses that belong to no platform user) is a draft until the campaign office approves
it.

Messages never carry ID numbers, phone numbers or bank accounts: every title, subject
and body passes through :func:`jiangxuan.core.logging.redact` before it is stored.
Source: issue 3 (notifications: returned, forwarded to you, deadline in N days, objection
received, notice closing; an outbox for messages to nominees and units).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.selectors import deadline_for
from jiangxuan.core.audit import record_audit
from jiangxuan.core.calendar import add_working_days
from jiangxuan.core.errors import DomainError
from jiangxuan.core.logging import redact
from jiangxuan.core.permissions import require
from jiangxuan.nominations.models import Nomination
from jiangxuan.nominations.selectors import nominations_visible_to
from jiangxuan.notices.models import Objection, PublicNotice

from . import selectors
from .delivery import send_after_commit
from .enums import NotificationKind, OutboxState
from .models import Notification, OutboxMessage

ROLE = Role.CAMPAIGN_OFFICE
DEADLINE_DAYS = (7, 3, 1)


class OutboxError(DomainError):
    """An outbox service refused a request; ``message`` is Chinese and says why."""


# --------------------------------------------------------------------------- helpers


def _clean(text: str, limit: int | None = None) -> str:
    text = redact((text or "").strip())
    return text[:limit] if limit else text


def _forget_unread(user_ids: Iterable[int]) -> None:
    keys = [selectors.unread_cache_key(pk) for pk in set(user_ids)]
    if not keys:
        return
    # Now for this process, and again after commit so that a request that re-read the
    # old count in between does not keep it.
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _mail_text(body: str, link: str) -> str:
    site = getattr(settings, "JX_SITE_URL", "").rstrip("/")
    lines = [body] if body else []
    if link:
        lines.append(_("请登录匠选平台查看：%(url)s") % {"url": f"{site}{link}"})
    return "\n\n".join(lines)


@transaction.atomic
def notify_users(
    users: Iterable[User],
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    campaign: Campaign | None = None,
    object_ref: str = "",
    key: str = "",
) -> list[Notification]:
    """Give each user an in-app notification, and an e-mail when the user has an address.

    Args:
        kind: a ``NotificationKind`` value.
        title, body: the message (personal-data patterns are redacted).
        link: a site path (e.g. ``/nominations/12/``) the notification opens.
        key: when non-empty, a user who already has a notification with this key gets
            nothing new (reminders stay idempotent).
    Returns:
        The notifications created (users skipped by ``key`` are not in it).
    """
    title, body = _clean(title, 200), _clean(body)
    created = []
    for user in {u.pk: u for u in users}.values():
        if key and Notification.objects.filter(recipient=user, key=key).exists():
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    title=title,
                    body=body,
                    link=link,
                    campaign=campaign,
                    object_ref=object_ref,
                    key=key,
                )
        except IntegrityError:
            continue  # a concurrent run created the same keyed reminder
        created.append(note)
        if user.email:
            message = OutboxMessage.objects.create(
                to_email=user.email,
                to_name=user.display_name or user.get_username(),
                recipient=user,
                subject=title,
                body=_mail_text(body, link),
                kind=kind,
                campaign=campaign,
                object_ref=object_ref,
                state=OutboxState.APPROVED,
                approved_at=timezone.now(),
            )
            record_audit(
                actor=None,
                action="outbox.queue",
                obj=message,
                after={"kind": kind, "recipient": user.pk, "state": message.state},
            )
            send_after_commit(message)
    _forget_unread(n.recipient_id for n in created)
    return created


def send_unlock_link(user: User) -> OutboxMessage | None:
    """E-mail a locked account's owner the one-time link that lifts the lock (issue 16.12;
    ``accounts.security.unlock_token``), to the address on the account only.

    Returns:
        The queued message (approved, sent after commit), or None when the user has no
        e-mail address (the administrator unlocks with ``jiangxuan unlockaccount``).
    """
    from jiangxuan.accounts.security import unlock_token

    if not user.email:
        return None
    site = getattr(settings, "JX_SITE_URL", "").rstrip("/")
    link = site + reverse("accounts:unlock", args=[unlock_token(user)])
    body = "\n\n".join(
        [
            _("您的匠选账号 %(username)s 因登录失败次数过多已被暂时锁定。")
            % {"username": user.get_username()},
            _("如果是您本人输错了密码，打开以下链接可立即解锁（只能使用一次）：%(link)s")
            % {"link": link},
            _("如果不是您本人，请不要解锁；锁定会自动解除，请尽快修改密码或联系平台管理员。"),
        ]
    )
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            to_email=user.email,
            to_name=user.display_name or user.get_username(),
            recipient=user,
            subject=_("匠选账号已被暂时锁定"),
            body=body,
            kind=NotificationKind.OTHER,
            object_ref=f"accounts.user:{user.pk}",
            state=OutboxState.APPROVED,
            approved_at=timezone.now(),
        )
        record_audit(
            actor=None,
            action="outbox.queue",
            obj=message,
            after={"kind": "account_locked", "recipient": user.pk, "state": message.state},
        )
        send_after_commit(message)
    return message


# --------------------------------------------------------------------------- events


def notify_returned(
    nomination: Nomination, *, opinion: str, actor: User | None
) -> list[Notification]:
    """Tell the nomination's creator and the clerks of its workplace and nominating unit
    that it was returned for revision, with the reasons (seed 001 三(一)2: 退回修改).

    The acting reviewer is left out. Returns the notifications created.
    """
    units = [pk for pk in (nomination.workplace_id, nomination.nominating_unit_id) if pk]
    users = selectors.members_of(units, [Role.CLERK], nomination.campaign)
    if nomination.created_by_id:
        users.append(nomination.created_by)
    users = [u for u in users if actor is None or u.pk != actor.pk]
    with translation.override(settings.LANGUAGE_CODE):
        return notify_users(
            users,
            kind=NotificationKind.RETURNED,
            title=_("推荐被退回修改：%(name)s") % {"name": nomination.name or nomination.pk},
            body=_("%(campaign)s的推荐“%(name)s”被退回修改。退回理由：%(opinion)s")
            % {
                "campaign": nomination.campaign.title,
                "name": nomination.name,
                "opinion": opinion,
            },
            link=reverse("nominations:detail", args=[nomination.pk]),
            campaign=nomination.campaign,
            object_ref=f"nomination:{nomination.pk}",
        )


def notify_withdrawn(
    nomination: Nomination, *, reason: str, changes: list[str]
) -> list[Notification]:
    """Tell the nomination's clerks (workplace, nominating unit, creator) and the campaign
    office that a nominee left the approval lists after approval, why and what changed
    (issue 13: the notice of the change)."""
    units = [pk for pk in (nomination.workplace_id, nomination.nominating_unit_id) if pk]
    users = selectors.members_of(units, [Role.CLERK, Role.REVIEWER], nomination.campaign)
    users += selectors.office_users_of(nomination.campaign)
    if nomination.created_by_id:
        users.append(nomination.created_by)
    with translation.override(settings.LANGUAGE_CODE):
        return notify_users(
            users,
            kind=NotificationKind.OTHER,
            title=_("推荐对象已撤出名单：%(name)s") % {"name": nomination.name or nomination.pk},
            body=_("%(campaign)s的推荐对象“%(name)s”已撤出名单。原因：%(reason)s。%(changes)s")
            % {
                "campaign": nomination.campaign.title,
                "name": nomination.name,
                "reason": reason,
                "changes": "".join(changes),
            },
            link=reverse("nominations:detail", args=[nomination.pk]),
            campaign=nomination.campaign,
            object_ref=f"nomination:{nomination.pk}",
        )


def notify_forwarded(
    nominations: Iterable[Nomination],
    *,
    level: str,
    to_bodies: dict[OrgUnit, list[Nomination]] | None = None,
) -> list[Notification]:
    """Tell the reviewers and clerks of each body signing at the next level that
    nominations wait for its opinion (逐级审核; seed 000 四1-2).

    Args:
        nominations: the nominations just forwarded, as saved (their ``level`` is the
            next level's code; approved ones, past the last level, are skipped).
        level: the code of the level they left.
        to_bodies: ``{body: nominations}``; defaults to ``selectors.next_bodies``.
    Returns:
        The notifications created, one per recipient and body.
    """
    waiting = (
        to_bodies if to_bodies is not None else selectors.next_bodies(nominations, level=level)
    )
    created = []
    with translation.override(settings.LANGUAGE_CODE):
        for body, batch in waiting.items():
            campaign = batch[0].campaign
            users = selectors.members_of([body.pk], [Role.REVIEWER, Role.CLERK], campaign)
            names = "、".join(n.name or str(n.pk) for n in batch)
            created += notify_users(
                users,
                kind=NotificationKind.FORWARDED,
                title=_("%(count)d份推荐待%(body)s审核") % {"count": len(batch), "body": body.name},
                body=_("%(campaign)s：%(names)s已报送至%(body)s，请审核并签署意见。")
                % {"campaign": campaign.title, "names": names, "body": body.name},
                link=reverse("nominations:review_queue"),
                campaign=campaign,
                object_ref=f"orgunit:{body.pk}",
            )
    return created


def notify_objection(objection: Objection) -> list[Notification]:
    """Tell the campaign office that an objection was filed to one of its notices, so
    that it assigns and verifies it (seed 000 四1: 对公示期间反映的问题，要认真组织核查).

    The objection's text and the objector's contact details are not copied into the
    message; the office reads them on the notice's page.
    """
    notice = objection.notice
    campaign = notice.campaign
    nominee = objection.nomination.name if objection.nomination else ""
    with translation.override(settings.LANGUAGE_CODE):
        return notify_users(
            selectors.office_users_of(campaign),
            kind=NotificationKind.OBJECTION,
            title=_("收到异议：%(notice)s") % {"notice": notice.title},
            body=(
                _("%(notice)s收到一件关于“%(name)s”的异议，请及时分派核查。")
                % {"notice": notice.title, "name": nominee}
                if nominee
                else _("%(notice)s收到一件异议，请及时分派核查。") % {"notice": notice.title}
            ),
            link=reverse("notices:manage", args=[notice.pk]),
            campaign=campaign,
            object_ref=f"objection:{objection.pk}",
        )


def notify_notice_closing(notice: PublicNotice) -> list[Notification]:
    """Tell the campaign office that a running notice ends within one working day, so
    that it resolves open objections and closes it; once per notice and user."""
    with translation.override(settings.LANGUAGE_CODE):
        return notify_users(
            selectors.office_users_of(notice.campaign),
            kind=NotificationKind.NOTICE_CLOSING,
            title=_("公示即将结束：%(notice)s") % {"notice": notice.title},
            body=_("%(notice)s将于%(end)s结束，请处理未办结的异议后结束公示。")
            % {"notice": notice.title, "end": notice.ends_on.isoformat()},
            link=reverse("notices:manage", args=[notice.pk]),
            campaign=notice.campaign,
            object_ref=f"notice:{notice.pk}",
            key=f"notice-closing:{notice.pk}",
        )


def send_notice_closing_reminders(*, today: dt.date) -> list[Notification]:
    """Remind the offices of running notices that end today or on the next working day.

    Raises:
        UnknownHolidayYear: the next working day lies in a year the calendar lacks.
    """
    last = add_working_days(today + dt.timedelta(days=1), 1)
    created = []
    for notice in selectors.notices_ending_between(today, last):
        created += notify_notice_closing(notice)
    return created


def send_deadline_reminders(
    *, today: dt.date, days: Iterable[int] = DEADLINE_DAYS
) -> list[Notification]:
    """Remind the clerks of nominating units that still hold draft or returned
    nominations when their submission deadline is N days away (N in ``days``).

    The deadline is ``campaigns.selectors.deadline_for(campaign, unit)`` (internal
    deadlines and extensions included), its date in Asia/Shanghai. Idempotent: one
    reminder per (clerk, campaign, N), however often it runs on a day.
    Returns the notifications created.
    """
    wanted = set(days)
    created = []
    with translation.override(settings.LANGUAGE_CODE):
        for campaign, unit_ids in selectors.units_with_open_drafts():
            for unit in OrgUnit.objects.filter(pk__in=unit_ids).order_by("path"):
                deadline = deadline_for(campaign, unit)
                if deadline is None:
                    continue
                closes = timezone.localtime(deadline)
                left = (closes.date() - today).days
                if left not in wanted:
                    continue
                created += notify_users(
                    selectors.members_of([unit.pk], [Role.CLERK], campaign),
                    kind=NotificationKind.DEADLINE,
                    title=_("距%(campaign)s报送截止还有%(days)d天")
                    % {"campaign": campaign.title, "days": left},
                    body=_("%(unit)s尚有未提交或退回修改的推荐，报送截止时间为%(deadline)s。")
                    % {"unit": unit.name, "deadline": f"{closes:%Y-%m-%d %H:%M}"},
                    link=reverse("nominations:list"),
                    campaign=campaign,
                    object_ref=f"orgunit:{unit.pk}",
                    key=f"deadline:{campaign.pk}:{left}",
                )
    return created


# --------------------------------------------------------------------------- in-app


@transaction.atomic
def mark_read(user: User, *, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read: those in ``notification_ids``, or all.

    Another user's notifications are never touched. Returns how many changed.
    """
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    changed = qs.update(read_at=timezone.now())
    if changed:
        _forget_unread([user.pk])
    return changed


# --------------------------------------------------------------------------- outbox


def _require_office(actor: User, campaign: Campaign | None) -> None:
    require(
        actor,
        "notifications.review_outbox",
        campaign,
        _("只有本活动的领导小组办公室可以审核待发邮件。"),
    )


def _check_text(subject: str, body: str) -> tuple[str, str]:
    subject, body = _clean(subject, 200), _clean(body)
    if not subject:
        raise OutboxError(_("请填写邮件主题。"), field="subject")
    if not body:
        raise OutboxError(_("请填写邮件正文。"), field="body")
    return subject, body


@transaction.atomic
def queue_outbox_message(
    campaign: Campaign,
    *,
    to_email: str,
    to_name: str,
    subject: str,
    body: str,
    actor: User | None,
    kind: str = NotificationKind.OTHER,
    object_ref: str = "",
) -> OutboxMessage:
    """Create a draft e-mail to a nominee or a unit for the office to review.

    Raises:
        OutboxError: no address, or an empty subject or body.
    """
    if not (to_email or "").strip():
        raise OutboxError(_("收件人没有电子邮箱，无法发送邮件。"), field="to_email")
    subject, body = _check_text(subject, body)
    message = OutboxMessage.objects.create(
        to_email=to_email.strip(),
        to_name=(to_name or "")[:120],
        subject=subject,
        body=body,
        kind=kind,
        campaign=campaign,
        object_ref=object_ref,
        state=OutboxState.DRAFT,
        created_by=actor,
    )
    record_audit(
        actor=actor,
        action="outbox.draft",
        obj=message,
        after={"campaign": campaign.code, "kind": kind, "object": object_ref},
    )
    return message


def draft_nominee_notice(nomination: Nomination) -> OutboxMessage | None:
    """Draft the e-mail that tells a nominee they were nominated (issue 13: nominees
    entered by a clerk are told; consent to the public notice is theirs to give), for the
    campaign office to review in the outbox before it goes. One per nomination; None when
    the nomination has no e-mail address or its notice was drafted already."""
    ref = f"nomination:{nomination.pk}"
    if (
        not nomination.email
        or OutboxMessage.objects.filter(object_ref=ref, kind=NotificationKind.NOMINATED).exists()
    ):
        return None
    unit = nomination.nominating_unit or nomination.workplace
    campaign = nomination.campaign
    subject = _("您已被推荐参加“%(title)s”评选") % {"title": campaign.title}
    body = _(
        "%(name)s：\n\n"
        "%(unit)s已推荐您参加“%(title)s”的“%(award)s”评选。推荐材料将按评选通知逐级审核；"
        "入选者的姓名、工作单位和主要事迹将按通知公示。\n\n"
        "如您不同意被推荐、不同意公示，或推荐表中有与事实不符之处，请与推荐单位联系。\n\n"
        "本邮件由评选活动办公室审核后发出。"
    ) % {
        "name": nomination.name,
        "unit": unit.name if unit else nomination.workplace_name,
        "title": campaign.title,
        "award": nomination.award.name,
    }
    return queue_outbox_message(
        campaign,
        to_email=nomination.email,
        to_name=nomination.name,
        subject=subject,
        body=body,
        actor=None,
        kind=NotificationKind.NOMINATED,
        object_ref=ref,
    )


def queue_message_to_nominee(
    nomination: Nomination, *, subject: str, body: str, actor: User
) -> OutboxMessage:
    """Draft an e-mail to the nominee at the nomination's e-mail address; the campaign
    office approves it before it goes.

    Raises:
        PermissionDenied: the actor may not see the nomination.
        OutboxError: the nomination has no e-mail address; empty subject or body.
    """
    if not nominations_visible_to(actor).filter(pk=nomination.pk).exists():
        raise PermissionDenied(_("您不能给该推荐对象发送邮件。"))
    return queue_outbox_message(
        nomination.campaign,
        to_email=nomination.email,
        to_name=nomination.name,
        subject=subject,
        body=body,
        actor=actor,
        object_ref=f"nomination:{nomination.pk}",
    )


def _locked_draft(message: OutboxMessage, actor: User) -> OutboxMessage:
    locked = (
        OutboxMessage.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=message.pk)
    )
    _require_office(actor, locked.campaign)
    if locked.state not in OutboxState.EDITABLE:
        raise OutboxError(
            _("该邮件状态为“%(state)s”，不能再修改。") % {"state": locked.get_state_display()}
        )
    return locked


@transaction.atomic
def edit_outbox_message(
    message: OutboxMessage, *, subject: str, body: str, actor: User
) -> OutboxMessage:
    """Change a draft's subject and body (the office's review).

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        OutboxError: the message is no longer a draft; empty subject or body.
    """
    locked = _locked_draft(message, actor)
    subject, body = _check_text(subject, body)
    before = {"subject": locked.subject, "body": locked.body}
    locked.subject, locked.body = subject, body
    locked.save(update_fields=["subject", "body", "updated_at"])
    record_audit(
        actor=actor,
        action="outbox.edit",
        obj=locked,
        role=ROLE,
        before=before,
        after={"subject": subject, "body": body},
    )
    return locked


@transaction.atomic
def approve_outbox_message(message: OutboxMessage, *, actor: User) -> OutboxMessage:
    """Approve a draft; it is sent by the ``send_outbox_message`` task after commit
    (:mod:`.delivery`).

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        OutboxError: the message is no longer a draft.
    """
    locked = _locked_draft(message, actor)
    locked.state = OutboxState.APPROVED
    locked.approved_by = actor
    locked.approved_at = timezone.now()
    locked.save(update_fields=["state", "approved_by", "approved_at", "updated_at"])
    record_audit(
        actor=actor,
        action="outbox.approve",
        obj=locked,
        role=ROLE,
        before={"state": OutboxState.DRAFT},
        after={"state": locked.state},
    )
    send_after_commit(locked)
    return locked


@transaction.atomic
def discard_outbox_message(message: OutboxMessage, *, actor: User) -> OutboxMessage:
    """Discard a draft; it is never sent.

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        OutboxError: the message is no longer a draft.
    """
    locked = _locked_draft(message, actor)
    locked.state = OutboxState.DISCARDED
    locked.save(update_fields=["state", "updated_at"])
    record_audit(
        actor=actor,
        action="outbox.discard",
        obj=locked,
        role=ROLE,
        before={"state": OutboxState.DRAFT},
        after={"state": locked.state},
    )
    return locked
