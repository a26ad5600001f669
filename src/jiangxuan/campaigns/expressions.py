"""Eligibility rules as expressions: the rule language of campaign specifications.

A rule of kind ``expr`` (``campaigns.spec.ExprRule``) holds an expression of the Common
Expression Language (CEL, https://cel.dev), the policy language of Kubernetes and Google
Cloud IAM: no loops, no recursion, no side effects, every expression ends in time
proportional to its size and its data. The implementation is ``cel-expr-python``, Google's
Python binding of the C++ CEL runtime, which type-checks an expression against declared
names when it is compiled (docs/user/campaign-spec.md, 规则表达式, says why it was chosen
over cel-python, common-expression-language and rule-engine).

This module declares the context an expression sees (:func:`declarations`), compiles and
type-checks expressions when a specification is checked (:func:`check_expression`, Chinese
messages), and evaluates compiled ones (:func:`evaluate`). Building the context of one
nomination (its form, derived facts, unit, past awards) is
``nominations.eligibility.expression_context``.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cel_expr_python import cel

from .enums import HonourLevel, SkillLevel

T = cel.Type

#: The post kinds (岗位类别) a form's ``post_kind`` choice may offer, and whether each is a
#: cadre post for the statutory retirement age of women (55 for 管理、专业技术岗位, 50 for
#: workers: 国发〔1978〕104号; 劳社部发〔1999〕8号). Front-line posts (一线) are the first two.
POST_KINDS: dict[str, bool] = {
    "生产操作岗位": False,
    "技术研发岗位": True,
    "管理岗位": True,
}

#: Form field types and the CEL type of their value in ``form.<key>``.
_FIELD_TYPES: dict[str, str] = {
    "integer": "int",
    "boolean": "bool",
    "date": "timestamp",
    "year_month": "timestamp",
    "multichoice": "list_string",
    "table": "rows",
    "honours": "rows",
    "contests": "rows",
    "patents": "rows",
    "work_history": "rows",
}

_TYPES: dict[str, Any] = {
    "string": T.STRING,
    "int": T.INT,
    "bool": T.BOOL,
    "timestamp": T.TIMESTAMP,
    "list_string": T.List(T.STRING),
    "rows": T.List(T.Map(T.STRING, T.DYN)),
}

#: Names every expression may use, with their type and meaning (documented in
#: docs/user/campaign-spec.md; ``nominations.eligibility.expression_context`` fills them).
FIXED_NAMES: dict[str, str] = {
    "sex": "string",  # 男/女, from the ID number (else the form)
    "birth_date": "timestamp",  # from the ID number (else the form)
    "skill_level": "string",  # SkillLevel value, e.g. senior_technician
    "skill_rank": "int",  # its rank, 0 = 无 … 7 = 首席技师; -1 when not given
    "honours": "rows",  # {code, name, level, level_rank, category, year}
    "channel": "string",  # the channel's code
    "channel_kind": "string",  # unit / social_org / self
    "unit.code": "string",  # the nominating unit
    "unit.name": "string",
    "unit.kind": "string",
    "unit.category": "string",  # its nominating-unit category code ("" when none)
    "unit.ancestors": "list_string",  # codes of the units above it, root first
    "past_awards": "rows",  # {series, year, title}: this person in the laureate registry
    "now": "timestamp",  # the time of the action (Asia/Shanghai)
}


def declarations(form_fields: Iterable[Any]) -> tuple[tuple[str, str], ...]:
    """The names an expression may use for a campaign whose form has ``form_fields``.

    Args:
        form_fields: the form's top-level ``FormField``s (``NominationFormSpec.all_fields()``).
    Returns:
        ``(name, type)`` pairs, sorted: the :data:`FIXED_NAMES`, ``form.<key>`` for every
        field (``form.<group>.<key>`` for a group's sub-fields; photos and videos are
        files, not values), and ``post_kind`` when the form asks for it.
    """
    names = dict(FIXED_NAMES)
    for field in form_fields:
        kind = field.effective_type
        if kind in ("photo", "video"):
            continue
        if kind == "group":
            for sub in field.fields:
                names[f"form.{field.key}.{sub.key}"] = _FIELD_TYPES.get(
                    sub.effective_type, "string"
                )
            continue
        names[f"form.{field.key}"] = _FIELD_TYPES.get(kind, "string")
        if field.key == "post_kind":
            names["post_kind"] = "string"
    return tuple(sorted(names.items()))


# --------------------------------------------------------------------------- functions

#: The nominee whose rules are being evaluated: the functions below that read the nominee
#: (age_on) find the birth date here; :func:`evaluate` sets it for the evaluation.
_birth_date: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar(
    "jx_expression_birth_date", default=None
)


class MissingFact(LookupError):
    """A fact a function needs was not given (raised inside evaluation, reported as
    missing data, so the rule needs evidence rather than failing)."""


def _day(value: dt.datetime) -> dt.date:
    return value.date()


def _date(text: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=dt.UTC)


def _age_on(day: dt.datetime) -> int:
    birth = _birth_date.get()
    if birth is None:
        raise MissingFact("出生日期（请填写身份证号码）")
    on = _day(day)
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _retirement_age(sex: str, post_kind: str) -> int:
    if sex == "男":
        return 60
    if sex != "女":
        raise MissingFact("性别")
    if post_kind not in POST_KINDS:
        raise MissingFact("岗位类别")
    return 55 if POST_KINDS[post_kind] else 50


def _rank_of(choices: Any) -> Any:
    def rank(name: str) -> int:
        if name in choices.values:
            return int(choices.rank(name))
        for value, label in choices.choices:
            if name == str(label) or str(label).startswith(name + "（"):
                return int(choices.rank(value))
        raise MissingFact(name)

    return rank


_FUNCTIONS: list[tuple[str, str, list[Any], Any, Any]] = [
    ("date", "date_string", [T.STRING], T.TIMESTAMP, _date),
    ("age_on", "age_on_timestamp", [T.TIMESTAMP], T.INT, _age_on),
    ("retirement_age", "retirement_age_strings", [T.STRING, T.STRING], T.INT, _retirement_age),
    ("skill_rank_of", "skill_rank_of_string", [T.STRING], T.INT, _rank_of(SkillLevel)),
    ("level_rank_of", "level_rank_of_string", [T.STRING], T.INT, _rank_of(HonourLevel)),
]

#: Functions whose string literal arguments are checked with the specification.
_LITERAL_CHECKS = {
    "date": lambda text: dt.date.fromisoformat(text),
    "skill_rank_of": _rank_of(SkillLevel),
    "level_rank_of": _rank_of(HonourLevel),
}
_LITERAL_CALL = re.compile(r"\b(date|skill_rank_of|level_rank_of)\(\s*(['\"])(.*?)\2\s*\)")


@lru_cache(maxsize=32)
def _environment(names: tuple[tuple[str, str], ...]) -> Any:
    functions = [
        cel.FunctionDecl(name, [cel.Overload(overload, result, params, impl=impl)])
        for name, overload, params, result, impl in _FUNCTIONS
    ]
    return cel.NewEnv(variables={n: _TYPES[t] for n, t in names}, functions=functions)


# --------------------------------------------------------------------------- compiling


class ExpressionError(ValueError):
    """An expression does not compile or type-check; ``messages`` are in Chinese."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("；".join(messages))


_OPERATORS = {
    "_<_": "<", "_<=_": "<=", "_>_": ">", "_>=_": ">=", "_==_": "==", "_!=_": "!=",
    "_+_": "+", "_-_": "-", "_*_": "*", "_/_": "/", "_%_": "%", "@in": "in",
    "_&&_": "&&", "_||_": "||", "!_": "!", "_[_]": "[]", "-_": "-",
}  # fmt: skip
_ERROR_LINE = re.compile(r"ERROR: <input>:(\d+):(\d+): (.*)")


def _chinese(problem: str, names: list[str]) -> str:
    """The checker's English problem, said in Chinese (with the nearest known names)."""
    if m := re.match(r"undeclared reference to '([^']*)'", problem):
        name = m[1]
        near = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        hint = f"；是否想写 {'、'.join(near)}？" if near else ""
        if name.startswith("form."):
            return f"表单中没有字段 {name.removeprefix('form.')}{hint}"
        return f"未定义的名称 {name}{hint}（可用的名称见填写指南“规则表达式”一节）"
    if m := re.match(r"found no matching overload for '([^']*)' applied to '\((.*)\)'", problem):
        op = _OPERATORS.get(m[1], m[1])
        return f"{op} 不能用于这些类型的值：{m[2]}"
    if m := re.match(r"expression of type '([^']*)' cannot be the operand of a select", problem):
        return f"类型为 {m[1]} 的值没有可用 . 取的字段"
    if problem.startswith("Syntax error"):
        return "语法错误：" + problem.removeprefix("Syntax error: ")
    return problem


@dataclass(frozen=True)
class Compiled:
    """A compiled, type-checked expression, ready to evaluate."""

    source: str
    program: Any
    names: frozenset[str]


@lru_cache(maxsize=1024)
def compile_expression(source: str, names: tuple[tuple[str, str], ...]) -> Compiled:
    """Compile and type-check ``source`` against ``names`` (from :func:`declarations`).

    Returns:
        The compiled expression (cached: the same source and names give the same object).
    Raises:
        ExpressionError: one Chinese message per problem, each starting "第 L 行第 C 列"
            (of the expression), for a syntax error, an unknown name or form field, an
            operator applied to the wrong types, a result that is not true/false, or an
            impossible date or unknown level written in ``date('…')``,
            ``skill_rank_of('…')``, ``level_rank_of('…')``.
    """
    env = _environment(names)
    known = [n for n, _t in names]
    problems = []
    for call in _LITERAL_CALL.finditer(source):
        try:
            _LITERAL_CHECKS[call[1]](call[3])
        except (ValueError, LookupError):
            line = source.count("\n", 0, call.start()) + 1
            what = "日期" if call[1] == "date" else "等级"
            problems.append(f"第 {line} 行：{call[1]}('{call[3]}') 中的{what}不存在")
    try:
        program = env.compile(source)
    except RuntimeError as exc:
        problems[:0] = [
            f"第 {m[1]} 行第 {m[2]} 列：{_chinese(m[3], known)}"
            for m in _ERROR_LINE.finditer(str(exc))
        ] or [f"无法编译：{exc}"]
        raise ExpressionError(problems) from exc
    result = program.return_type()
    if result != T.BOOL:
        problems.append(f"的结果应为真或假（bool），现为 {result.name().lower()}")
    if problems:
        raise ExpressionError(problems)
    used = frozenset(n for n in known if re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", source))
    return Compiled(source, program, used)


def check_expression(source: str, names: tuple[tuple[str, str], ...]) -> list[str]:
    """The Chinese problems of ``source`` against ``names``; empty when it compiles."""
    try:
        compile_expression(source, names)
    except ExpressionError as exc:
        return exc.messages
    return []


# --------------------------------------------------------------------------- evaluating


@dataclass(frozen=True)
class Outcome:
    """An expression's value for one nominee: ``value`` True/False, or None with
    ``missing`` (the fact that was not given, in Chinese or as its name) or ``error``."""

    value: bool | None
    missing: str = ""
    error: str = ""


_MISSING_NAME = re.compile(r'No value with name "([^"]+)" found')
_MISSING_KEY = re.compile(r"Key not found in map : \"?([^\"]*)\"?")


def evaluate(compiled: Compiled, data: Mapping[str, Any], *, birth_date: dt.date | None) -> Outcome:
    """Evaluate a compiled expression on ``data`` (name → value; a name without a value is
    a fact not given).

    Returns:
        The :class:`Outcome`. A fact the expression needs and that is not given makes the
        outcome unknown (``missing``), never true; CEL's ``||`` and ``&&`` still decide
        when the other side settles the answer.
    """
    token = _birth_date.set(birth_date)
    try:
        result = compiled.program.eval(data=data)
    finally:
        _birth_date.reset(token)
    if result.type() != T.ERROR:
        return Outcome(bool(result.value()))
    text = str(result.value())
    if m := _MISSING_NAME.search(text):
        return Outcome(None, missing=m[1])
    if text.startswith("NOT_FOUND: "):
        key = _MISSING_KEY.search(text)
        return Outcome(None, missing=key[1] if key else text.removeprefix("NOT_FOUND: "))
    return Outcome(None, error=text)


def timestamp(day: dt.date | str | None) -> dt.datetime | None:
    """A date (or ISO date text) as the timestamp expressions compare, midnight UTC, as
    ``date('…')`` gives; None stays None."""
    if day is None or day == "":
        return None
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10] if len(day) >= 10 else f"{day[:7]}-01")
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
