"""The eligibility engine: a nomination against its award's hard rules.

Each rule of the specification (campaigns.spec, ``Award.eligibility``) gives one result:
passed, failed, or needs evidence (data missing, or a condition people judge), with the
reason in Chinese and the notice clause it comes from. ``any_of``/``all_of`` combine their
items' results; a judged condition the nominee claims needs evidence, one not claimed
fails. The overall status is failed when any top-level rule fails and is not overridden
by the campaign office.

A kind that reads a fact is implemented once (``Evaluator.fact_<kind>``) and serves both
the YAML kind and the function of the same name in expressions. :func:`evaluate_many`
evaluates many nominations of a campaign with the laureate registry and the organization
tree read once for all of them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.campaigns import expressions as ex
from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.enums import (
    HonourLevel,
    Medal,
    ProfessionalTitle,
    RuleStatus,
    SkillLevel,
)
from jiangxuan.campaigns.models import PastAwardee
from jiangxuan.core.crypto import blind_index

from .chain import DATABASE, OrgTree
from .models import EligibilityOverride
from .validators import id_number_facts

PASSED, FAILED, NEEDS = RuleStatus.PASSED, RuleStatus.FAILED, RuleStatus.NEEDS_EVIDENCE
REGION_SUFFIX = re.compile(r"(省|市|自治区|特别行政区|壮族自治区|回族自治区|维吾尔自治区)$")


@dataclass
class RuleResult:
    """One rule's outcome; ``items`` holds the results of an any_of/all_of's members.

    ``alternative`` marks a member of an any_of that is met (or pending) through another
    member: it is shown neutrally, not as 不符合 (issue 15.10: an any-of rule is met when
    one branch holds)."""

    code: str
    label: str
    source: str
    status: str
    reason: str
    overridden: bool = False
    items: list[RuleResult] = field(default_factory=list)
    alternative: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The result as stored in ``Nomination.eligibility`` (what
        ``dataclasses.asdict`` gives, written out: that one deep-copies every value and
        cost a fifth of a nominee's check)."""
        return {
            "code": self.code,
            "label": self.label,
            "source": self.source,
            "status": self.status,
            "reason": self.reason,
            "overridden": self.overridden,
            "items": [item.as_dict() for item in self.items],
            "alternative": self.alternative,
        }


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _honour_level(entry: dict[str, Any], catalogue: dict[str, s.HonourEntry]) -> str:
    if entry.get("level"):
        return entry["level"]
    known = catalogue.get(entry.get("code", ""))
    return known.level if known else ""


def _honour_category(entry: dict[str, Any], catalogue: dict[str, s.HonourEntry]) -> str:
    known = catalogue.get(entry.get("code", ""))
    return known.category if known else entry.get("category", "")


#: A built-in rule's outcome before it is tied to a rule: (status, reason in Chinese).
Check = tuple[str, str]


@dataclass(frozen=True)
class Prepared:
    """What every nomination's rules read from the campaign's specification, worked out
    once per specification (:func:`prepare`): the form's fields by key, the honour
    catalogue, the names expressions may use and the channels' kinds."""

    fields: dict[str, Any]
    catalogue: dict[str, s.HonourEntry]
    names: tuple[tuple[str, str], ...]
    channel_kinds: dict[str, str]


#: :func:`prepare`'s result by the specification object it was worked out from (kept
#: alive with it, so an id is not reused while cached); the oldest dropped beyond 64.
_PREPARED: dict[int, tuple[s.CampaignSpec, Prepared]] = {}


def prepare(campaign_spec: s.CampaignSpec) -> Prepared:
    """The :class:`Prepared` reads of ``campaign_spec``, worked out once per specification
    object (``Campaign.specification`` gives the same object for the same specification
    within a process; the specification is immutable)."""
    cached = _PREPARED.get(id(campaign_spec))
    if cached is not None and cached[0] is campaign_spec:
        return cached[1]
    prepared = _prepare(campaign_spec)
    if len(_PREPARED) >= 64:
        _PREPARED.pop(next(iter(_PREPARED)))
    _PREPARED[id(campaign_spec)] = (campaign_spec, prepared)
    return prepared


def _prepare(campaign_spec: s.CampaignSpec) -> Prepared:
    fields = {f.key: f for f in campaign_spec.form.all_fields()}
    return Prepared(
        fields=fields,
        catalogue={h.code: h for h in campaign_spec.honours},
        names=ex.declarations(fields.values()),
        channel_kinds={c.code: c.kind for c in campaign_spec.channels},
    )


class Evaluator:
    """Evaluates rules for one nomination; construct once per evaluation.

    Each built-in kind that reads a fact has one implementation, ``fact_<kind>``, on plain
    arguments, giving a :data:`Check`. The YAML kind (``rule_<kind>``) and the function of
    the same name in expressions (``campaigns.expressions.RULE_FUNCTIONS``, reached through
    :meth:`rule_fact`) both call it, so a rule means the same written either way.

    ``past_awards``: this person's rows of the laureate registry when the caller read them
    for many nominations at once (:func:`evaluate_many`); None reads them here, one query,
    when a rule needs them. ``tree``: where the nominating unit's ancestors are read.
    ``prepared``: the specification's reads when the caller holds them for many
    nominations (:func:`prepare`).
    """

    def __init__(
        self,
        nomination: Any,
        campaign_spec: s.CampaignSpec,
        award_spec: s.AwardSpec,
        *,
        past_awards: list[PastAwardee] | None = None,
        tree: OrgTree = DATABASE,
        prepared: Prepared | None = None,
    ):
        self.n = nomination
        self.spec = campaign_spec
        self.award = award_spec
        self.prepared = prepared or prepare(campaign_spec)
        self.catalogue = self.prepared.catalogue
        self.tree = tree
        self._past_awards = past_awards
        self._context: ExpressionContext | None = None

    @property
    def context(self) -> ExpressionContext:
        """What this nomination's expressions see (built on first use)."""
        if self._context is None:
            self._context = ExpressionContext(self)
        return self._context

    @property
    def birth_date(self) -> dt.date | None:
        """The nominee's birth date (from the ID number, else the form), for ``age_on``."""
        return self.context.birth_date

    def past_awards(self) -> list[PastAwardee] | None:
        """This person's rows of the laureate registry (every series); None without an
        ID number."""
        if not self.n.id_number:
            return None
        if self._past_awards is None:
            index = blind_index(self.n.id_number)
            self._past_awards = list(PastAwardee.objects.filter(id_index=index).order_by("pk"))
        return self._past_awards

    def result(self, rule: Any, status: str, reason: str, items=None) -> RuleResult:
        return RuleResult(rule.code, rule.label, rule.source, status, reason, items=items or [])

    def evaluate(self, rule: Any) -> RuleResult:
        return getattr(self, f"rule_{rule.rule}")(rule)

    def rule_fact(self, name: str, *args: Any) -> tuple[bool | None, str]:
        """The rule function ``name`` of an expression (campaigns.expressions.RuleFacts):
        True/False, or None with the reason when a fact is missing."""
        status, reason = getattr(self, f"fact_{name}")(*args)
        return (None if status == NEEDS else status == PASSED), reason

    # ----------------------------------------------------------------- the facts

    def fact_min_skill_level(self, level: str) -> Check:
        have = self.n.skill_level
        need = _label(SkillLevel, level)
        if not have:
            return NEEDS, _("未填写技能等级；须达到%(need)s及以上。") % {"need": need}
        if SkillLevel.rank(have) >= SkillLevel.rank(level):
            return PASSED, _("技能等级为%(have)s。") % {"have": _label(SkillLevel, have)}
        return (
            FAILED,
            _("技能等级为%(have)s，须达到%(need)s及以上。")
            % {"have": _label(SkillLevel, have), "need": need},
        )

    def fact_min_professional_title(self, level: str, categories: Sequence[str] = ()) -> Check:
        have = self.n.professional_title
        need = _label(ProfessionalTitle, level)
        if not have:
            return NEEDS, _("未填写职称；须为%(need)s及以上。") % {"need": need}
        if ProfessionalTitle.rank(have) < ProfessionalTitle.rank(level):
            return (
                FAILED,
                _("职称为%(have)s，须为%(need)s及以上。")
                % {"have": _label(ProfessionalTitle, have), "need": need},
            )
        category = self.n.professional_title_category
        if categories and category not in categories:
            return (
                FAILED,
                _("职称系列“%(have)s”不在%(allowed)s之列。")
                % {"have": category or _("未填写"), "allowed": "、".join(categories)},
            )
        return PASSED, _("职称为%(have)s。") % {"have": _label(ProfessionalTitle, have)}

    def _honour_matches(self, entry: dict[str, Any], code: str, min_level: str | None) -> bool:
        if entry.get("code") != code:
            return False
        if min_level is None:
            return True
        return HonourLevel.rank(_honour_level(entry, self.catalogue)) >= HonourLevel.rank(min_level)

    def _ref_name(self, code: str, min_level: str | None) -> str:
        name = self.catalogue[code].name
        if min_level:
            name += _("（%(level)s及以上）") % {"level": _label(HonourLevel, min_level)}
        return name

    def fact_honours_any_of(
        self, refs: Sequence[tuple[str, str | None]], min_count: int = 1
    ) -> Check:
        honours = self.n.honours or []
        found = [
            self._ref_name(code, level)
            for code, level in refs
            if any(self._honour_matches(entry, code, level) for entry in honours)
        ]
        if len(found) >= min_count:
            return PASSED, _("已获：%(found)s。") % {"found": "、".join(found)}
        wanted = "、".join(self._ref_name(code, level) for code, level in refs)
        return (
            FAILED,
            _("须至少获得以下荣誉中的%(n)d项：%(wanted)s。") % {"n": min_count, "wanted": wanted},
        )

    def fact_honour_min_level(self, level: str, categories: Sequence[str] = ()) -> Check:
        need = HonourLevel.rank(level)
        for entry in self.n.honours or []:
            level_ok = HonourLevel.rank(_honour_level(entry, self.catalogue)) >= need
            category = _honour_category(entry, self.catalogue)
            if level_ok and (not categories or category in categories):
                return PASSED, _("已获：%(name)s。") % {"name": entry.get("name", "")}
        return (
            FAILED,
            _("须具有%(level)s及以上的奖项或称号。") % {"level": _label(HonourLevel, level)},
        )

    def fact_contest_rank(self, placings: Sequence[tuple[str, int | None, str | None]]) -> Check:
        """``placings``: (contest level, best rank or None, least medal or None), any of."""
        for entry in self.n.contests or []:
            for level, max_rank, min_medal in placings:
                if entry.get("level") != level:
                    continue
                rank = entry.get("rank")
                if max_rank and isinstance(rank, int) and 0 < rank <= max_rank:
                    return (
                        PASSED,
                        _("%(name)s第%(rank)d名。") % {"name": entry.get("name", ""), "rank": rank},
                    )
                medal = entry.get("medal") or ""
                if min_medal and Medal.rank(medal) >= Medal.rank(min_medal):
                    return (
                        PASSED,
                        _("%(name)s%(medal)s。")
                        % {"name": entry.get("name", ""), "medal": _label(Medal, medal)},
                    )
        return FAILED, _("未填写符合条件的竞赛名次。")

    # The two flags translate only the sentence they give: gettext is a good part of the
    # time of a nominee's rules.

    def fact_not_retired(self, label: str = "") -> Check:
        if self.n.is_retired is None:
            return NEEDS, _("请说明：%(label)s。") % {"label": label or _("是否退休人员")}
        if self.n.is_retired:
            return FAILED, _("退休人员不得参加评选。")
        return PASSED, _("符合。")

    def fact_not_unit_leader(self, label: str = "") -> Check:
        if self.n.is_unit_leader is None:
            return NEEDS, _("请说明：%(label)s。") % {
                "label": label or _("是否现任企事业单位负责人")
            }
        if self.n.is_unit_leader:
            return FAILED, _("现任企事业单位负责人不得参加评选。")
        return PASSED, _("符合。")

    def fact_not_previous_awardee(self, series: str | None = None) -> Check:
        series = series or self.award.series
        rows = self.past_awards()
        if rows is None:
            return NEEDS, _("填写身份证号码后核对历届获得者名单。")
        past = next((p for p in rows if p.series == series), None)
        if past:
            return (
                FAILED,
                _("已于%(year)d年获得“%(title)s”称号，不再重复参评。")
                % {"year": past.year, "title": past.title},
            )
        return PASSED, _("历届获得者名单中无此人。")

    def fact_native_or_years_in_region(
        self, region_name: str, division_prefix: str, years_needed: int
    ) -> Check:
        native_place = self.n.native_place or ""
        if native_place:
            # 籍贯 is written "吉林长春" as often as "吉林省长春市": compare the short name.
            native = REGION_SUFFIX.sub("", region_name) in native_place
        elif self.n.id_number:
            native = self.n.id_number.startswith(division_prefix)
        else:
            return NEEDS, _("请填写籍贯。")
        if native:
            return PASSED, _("%(region)s籍。") % {"region": region_name}
        years = self.n.years_in_region
        if years is None:
            return (
                NEEDS,
                _("非%(region)s籍，请填写在%(region)s工作的年限（须%(n)d年以上）。")
                % {"region": region_name, "n": years_needed},
            )
        if years >= years_needed:
            return PASSED, _("在%(region)s工作%(y)d年。") % {"region": region_name, "y": years}
        return (
            FAILED,
            _("非%(region)s籍，在%(region)s工作%(y)d年，须%(n)d年以上。")
            % {"region": region_name, "y": years, "n": years_needed},
        )

    # ----------------------------------------------------------------- the YAML kinds

    def rule_min_skill_level(self, rule: s.MinSkillLevel) -> RuleResult:
        return self.result(rule, *self.fact_min_skill_level(rule.level))

    def rule_min_professional_title(self, rule: s.MinProfessionalTitle) -> RuleResult:
        return self.result(rule, *self.fact_min_professional_title(rule.level, rule.categories))

    def rule_honours_any_of(self, rule: s.HonoursAnyOf) -> RuleResult:
        refs = [(ref.code, ref.min_level) for ref in rule.honours]
        return self.result(rule, *self.fact_honours_any_of(refs, rule.min_count))

    def rule_honour_min_level(self, rule: s.HonourMinLevel) -> RuleResult:
        return self.result(rule, *self.fact_honour_min_level(rule.level, rule.categories))

    def rule_contest_rank(self, rule: s.ContestRank) -> RuleResult:
        placings = [(p.level, p.max_rank, p.min_medal) for p in rule.placings]
        return self.result(rule, *self.fact_contest_rank(placings))

    def rule_not_retired(self, rule: s.NotRetired) -> RuleResult:
        return self.result(rule, *self.fact_not_retired(rule.label))

    def rule_not_unit_leader(self, rule: s.NotUnitLeader) -> RuleResult:
        return self.result(rule, *self.fact_not_unit_leader(rule.label))

    def rule_not_previous_awardee(self, rule: s.NotPreviousAwardee) -> RuleResult:
        return self.result(rule, *self.fact_not_previous_awardee(rule.series))

    def rule_native_or_years_in_region(self, rule: s.NativeOrYearsInRegion) -> RuleResult:
        check = self.fact_native_or_years_in_region(
            rule.region_name, rule.division_prefix, rule.years
        )
        return self.result(rule, *check)

    def rule_judged(self, rule: s.Judged) -> RuleResult:
        if rule.code in (self.n.claimed_conditions or []):
            return self.result(rule, NEEDS, _("已申报，待评审核实证明材料。"))
        return self.result(rule, FAILED, _("未申报此项。"))

    def rule_expr(self, rule: s.ExprRule) -> RuleResult:
        context = self.context
        compiled = ex.compile_expression(rule.expr, context.names)
        outcome = ex.evaluate(compiled, context.data(compiled.names), facts=self)
        if outcome.value is None and outcome.reason:
            return self.result(rule, NEEDS, outcome.reason)
        if outcome.value is None and outcome.missing:
            return self.result(
                rule,
                NEEDS,
                _("未填写%(fact)s，无法判断。") % {"fact": context.describe(outcome.missing)},
            )
        if outcome.value is None:
            return self.result(
                rule, NEEDS, _("无法自动判断，请人工核实（%(error)s）。") % {"error": outcome.error}
            )
        if not outcome.value:
            return self.result(rule, FAILED, rule.message)
        if rule.kind == "evidence":
            return self.result(rule, NEEDS, _("符合，待核实证明材料。"))
        if rule.kind == "judged":
            return self.result(rule, NEEDS, _("符合基本条件，待评审认定。"))
        return self.result(rule, PASSED, _("符合。"))

    def rule_any_of(self, rule: s.AnyOf) -> RuleResult:
        items = [self.evaluate(item) for item in rule.items]
        statuses = {item.status for item in items}
        if PASSED in statuses:
            for item in items:
                item.alternative = item.status != PASSED
            return self.result(rule, PASSED, _("满足其中一项。"), items)
        if NEEDS in statuses:
            for item in items:
                item.alternative = item.status == FAILED
            return self.result(rule, NEEDS, _("所申报条件待核实。"), items)
        return self.result(rule, FAILED, _("以下条件均不满足，须具备其中之一。"), items)

    def rule_all_of(self, rule: s.AllOf) -> RuleResult:
        items = [self.evaluate(item) for item in rule.items]
        statuses = {item.status for item in items}
        if FAILED in statuses:
            return self.result(rule, FAILED, _("须同时满足以下各项。"), items)
        if NEEDS in statuses:
            return self.result(rule, NEEDS, _("部分条件待核实。"), items)
        return self.result(rule, PASSED, _("各项均满足。"), items)


class ExpressionContext:
    """What the expressions of one nomination's rules see (campaigns.expressions; the
    names are documented in docs/user/campaign-spec.md 规则表达式). Each group of values
    is read only when a rule uses one of its names: the unit's ancestors and the laureate
    registry cost a query each, unless the evaluator holds them read for many nominations
    (:func:`evaluate_many`)."""

    def __init__(self, evaluator: Evaluator):
        self.evaluator = evaluator
        self.n = evaluator.n
        self.spec = evaluator.spec
        self.prepared = evaluator.prepared
        self.fields = self.prepared.fields
        self.catalogue = self.prepared.catalogue
        self.names = self.prepared.names
        self.birth_date, self.sex = self._person()
        self._values: dict[str, Any] = {}
        self._groups_read: set[str] = set()

    def _person(self) -> tuple[Any, str]:
        id_number = self.n.id_number or ""
        if len(id_number) == 18:
            try:
                return id_number_facts(id_number)
            except (ValueError, LookupError):
                pass  # an invalid number is the form's error; fall back to what was typed
        return self.n.birth_date, self.n.sex or ""

    def describe(self, name: str) -> str:
        """A missing fact's name as people read it: the form field's label."""
        key = name.removeprefix("form.").split(".")[0]
        field = self.fields.get(key)
        if field is not None:
            return f"“{field.label}”"
        return name

    def data(self, used: frozenset[str]) -> dict[str, Any]:
        """The values of the names in ``used`` that are known (an unknown one is left out,
        so the expression reports it missing)."""
        for name in used:
            group = name.split(".")[0] if name.startswith(("form.", "unit.")) else name
            if group == "form":
                group = name
            if group not in self._groups_read:
                self._groups_read.add(group)
                self._read(group)
        return {k: v for k, v in self._values.items() if k in used and v is not None}

    def _read(self, group: str) -> None:
        n, values = self.n, self._values
        if group.startswith("form.") or group == "post_kind":
            key = "post_kind" if group == "post_kind" else group.removeprefix("form.")
            field = self.fields[key.split(".")[0]]
            raw = (
                getattr(n, field.key)
                if field.key in s.CORE_FIELDS
                else (n.extra or {}).get(field.key)
            )
            if field.effective_type == "group":
                for sub in field.fields:
                    values[f"form.{field.key}.{sub.key}"] = _form_value(
                        sub, (raw or {}).get(sub.key)
                    )
            else:
                values[f"form.{field.key}"] = _form_value(field, raw)
                if field.key == "post_kind":
                    values["post_kind"] = values[f"form.{field.key}"]
        elif group == "sex":
            values["sex"] = self.sex or None
        elif group == "birth_date":
            values["birth_date"] = ex.timestamp(self.birth_date)
        elif group in ("skill_level", "skill_rank"):
            values["skill_level"] = n.skill_level or None
            values["skill_rank"] = SkillLevel.rank(n.skill_level)
        elif group == "honours":
            values["honours"] = [self._honour(entry) for entry in n.honours or []]
        elif group in ("channel", "channel_kind"):
            kinds = self.prepared.channel_kinds
            values["channel"] = n.channel
            values["channel_kind"] = kinds.get(n.channel)
        elif group == "unit":
            unit = n.nominating_unit
            if unit is not None:
                tree = self.evaluator.tree
                category = tree.category_of(unit, self.spec)
                values.update(
                    {
                        "unit.code": unit.code,
                        "unit.name": unit.name,
                        "unit.kind": unit.kind,
                        "unit.category": category.code if category else "",
                        "unit.ancestors": [a.code for a in tree.ancestors(unit)],
                    }
                )
        elif group == "past_awards":
            rows = self.evaluator.past_awards()
            values["past_awards"] = (
                [{"series": p.series, "year": p.year, "title": p.title} for p in rows]
                if rows is not None
                else None
            )
        elif group == "now":
            values["now"] = timezone.now()

    def _honour(self, entry: dict[str, Any]) -> dict[str, Any]:
        level = _honour_level(entry, self.catalogue)
        return {
            "code": entry.get("code") or "",
            "name": entry.get("name") or "",
            "level": str(level),
            "level_rank": HonourLevel.rank(level),
            "category": str(_honour_category(entry, self.catalogue)),
            "year": entry.get("year") or 0,
        }


def _form_value(field: Any, raw: Any) -> Any:
    """A stored form value as its expression type (campaigns.expressions.declarations);
    None for a value not given. Table cells not given read as "" (text) or 0 (integer)."""
    kind = field.effective_type
    rows = kind == "table" or kind in ROW_FIELDS
    if rows or kind == "multichoice":
        raw = raw or []
    elif raw is None or raw == "":
        return None
    if kind in ("date", "year_month"):
        return ex.timestamp(raw if isinstance(raw, str) else raw.isoformat())
    if kind == "integer":
        return int(raw)
    if kind == "boolean":
        return bool(raw)
    if kind == "multichoice":
        return [str(v) for v in raw]
    if rows:
        defaults = {c.key: 0 if c.type == "integer" else "" for c in field.columns}
        return [
            {**defaults, **{k: v for k, v in row.items() if v is not None}}
            for row in raw
            if isinstance(row, dict)
        ]
    return str(raw)


#: Form fields of rows (lists of dicts) besides ``table``.
ROW_FIELDS = ("honours", "contests", "patents", "work_history")


def evaluate_rules(
    nomination: Any,
    campaign_spec: s.CampaignSpec,
    award_spec: s.AwardSpec,
    *,
    overridden: set[str] | frozenset[str] = frozenset(),
    past_awards: list[PastAwardee] | None = None,
    tree: OrgTree = DATABASE,
    prepared: Prepared | None = None,
) -> tuple[str, list[RuleResult]]:
    """Evaluate an award's hard rules, and those of the nomination's channel, for a
    nomination (channel rules: campaigns.spec.Channel; issue 12, point 2).

    Args:
        nomination: a Nomination (read only: its fields, ``channel`` and ``id_index``).
        campaign_spec, award_spec: from the campaign's specification.
        overridden: codes of top-level rules the campaign office let through.
        past_awards, tree, prepared: the laureate registry rows of this person, the
            organization tree and the specification's reads, when read once for many
            nominations (:func:`evaluate_many`); by default read here (the registry and
            the tree a query each, only when a rule needs them).
    Returns:
        (overall status, one result per top-level rule, the award's first, then the
        channel's). Overall is ``failed`` if any non-overridden rule failed, else
        ``needs_evidence`` if any needs evidence, else ``passed``.
    """
    evaluator = Evaluator(
        nomination, campaign_spec, award_spec, past_awards=past_awards, tree=tree, prepared=prepared
    )
    channel = next((c for c in campaign_spec.channels if c.code == nomination.channel), None)
    rules = [*award_spec.eligibility, *(channel.eligibility if channel else [])]
    results = [evaluator.evaluate(rule) for rule in rules]
    for result in results:
        if result.code in overridden and result.status == FAILED:
            result.overridden = True
    statuses = {r.status for r in results if not r.overridden}
    if FAILED in statuses:
        return FAILED, results
    if NEEDS in statuses:
        return NEEDS, results
    return PASSED, results


def read_person(nomination: Any) -> tuple[set[str], list[PastAwardee] | None]:
    """What one nomination's rules read from the database beyond its own row, in one
    query (issue 12 "Speed": one nominee's rules in ≤ 1 ms): the codes of the rules the
    campaign office overrode for it, and its ID number's rows of the laureate registry
    (every series, in the order they were written; None without an ID number, as
    :meth:`Evaluator.past_awards` gives).

    Args:
        nomination: a Nomination (its ``pk``, which may be None for an unsaved one, and
            its ID number).
    Returns:
        (overridden rule codes, registry rows or None).
    """
    overrides_sql, registry_sql = _read_person_sql()
    index = blind_index(nomination.id_number) if nomination.id_number else ""
    parts, params = [], []
    if nomination.pk is not None:
        parts.append(overrides_sql)
        params.append(nomination.pk)
    if index:
        parts.append(registry_sql)
        params.append(index)
    rows: list[tuple[Any, ...]] = []
    if parts:
        # Raw SQL: the same query through the ORM's union costs about 1 ms of Python
        # compiling it, five times what the database takes.
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            rows = cursor.fetchall()
    overridden = {row[2] for row in rows if row[0] == "o"}
    if not index:
        return overridden, None
    past = [
        PastAwardee(pk=pk, series=series, title=title, name=name, year=year, id_index=index)
        for _kind, pk, series, title, name, year in sorted(r for r in rows if r[0] == "p")
    ]
    return overridden, past


def _columns(model: type[models.Model], *names: str) -> str:
    fields = [cast("models.Field[Any, Any]", model._meta.get_field(n)) for n in names]
    return ", ".join(connection.ops.quote_name(f.column or f.name) for f in fields)


@cache
def _read_person_sql() -> tuple[str, str]:
    """The two halves of :func:`read_person`'s query (names from the models' metadata)."""
    quote = connection.ops.quote_name
    # Only names from the models' metadata are formatted in; the values are parameters.
    o_table, p_table = quote(EligibilityOverride._meta.db_table), quote(PastAwardee._meta.db_table)
    o_columns = _columns(EligibilityOverride, "id", "rule_code")
    o_where = _columns(EligibilityOverride, "nomination")
    p_columns = _columns(PastAwardee, "id", "series", "title", "name", "year")
    p_where = _columns(PastAwardee, "id_index")
    overrides = f"SELECT 'o', {o_columns}, '', '', 0 FROM {o_table} WHERE {o_where} = %s"  # noqa: S608
    registry = f"SELECT 'p', {p_columns} FROM {p_table} WHERE {p_where} = %s"  # noqa: S608
    return overrides, registry


def evaluate_many(
    nominations: Iterable[Any],
    campaign_spec: s.CampaignSpec,
    *,
    overrides: Mapping[int, set[str]],
    registry: Mapping[str, list[PastAwardee]],
    tree: OrgTree,
) -> dict[int, tuple[str, list[RuleResult]]]:
    """Evaluate the rules of many nominations of one campaign with what the rules read
    beyond each nomination's own row given, read once for all of them
    (``selectors.screen_nominations`` reads them; issue 12 "Speed": no query per nominee).

    Args:
        nominations: Nominations of the campaign whose specification is
            ``campaign_spec``, with ``award`` and ``nominating_unit`` selected.
        overrides: the overridden rule codes by nomination pk (missing: none).
        registry: the laureate registry's rows by ``id_index`` (missing: none).
        tree: the organization tree around the nominating units (``chain.OrgIndex``).
    Returns:
        ``{nomination pk: (overall status, results)}`` as :func:`evaluate_rules` gives.
    """
    prepared = prepare(campaign_spec)
    awards = {a.code: a for a in campaign_spec.awards}
    return {
        n.pk: evaluate_rules(
            n,
            campaign_spec,
            awards[n.award.code],
            overridden=overrides.get(n.pk, frozenset()),
            past_awards=registry.get(n.id_index, []) if n.id_number else None,
            tree=tree,
            prepared=prepared,
        )
        for n in nominations
    }
