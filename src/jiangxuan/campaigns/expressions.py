"""Eligibility rules as expressions: the rule language of campaign specifications.

A rule of kind ``expr`` (``campaigns.spec.ExprRule``) holds an expression of the Common
Expression Language (CEL, https://cel.dev), the policy language of Kubernetes and Google
Cloud IAM: no loops, no recursion, no side effects, every expression ends in time
proportional to its size and its data. The implementation is ``cel-expr-python``, Google's
Python binding of the C++ CEL runtime, which type-checks an expression against declared
names when it is compiled (docs/user/campaign-spec.md, 规则表达式, says why it was chosen
over cel-python, common-expression-language and rule-engine).

This module declares the context an expression sees (:func:`declarations`) and the
functions it may call, among them the built-in rule kinds as functions of the same name
(:data:`RULE_FUNCTIONS`, issue 12: ``min_skill_level('高级技师') && !not_unit_leader()``;
``judged`` is a reviewer's judgement and ``any_of``/``all_of`` are ``||``/``&&``, so they
stay YAML kinds only). It compiles and type-checks expressions when a specification is
checked (:func:`check_expression`, Chinese messages), and evaluates compiled ones
(:func:`evaluate`) for a nominee whose facts the caller provides (:class:`RuleFacts`).
Building the context of one nomination (its form, derived facts, unit, past awards) is
``nominations.eligibility.ExpressionContext``; the rule functions' implementation is
``nominations.eligibility.Evaluator``.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from cel_expr_python import cel

from .enums import (
    ContestLevel,
    HonourCategory,
    HonourLevel,
    Medal,
    ProfessionalTitle,
    SkillLevel,
)

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
#: docs/user/campaign-spec.md; ``nominations.eligibility.ExpressionContext`` fills them).
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


class RuleFacts(Protocol):
    """What the functions of an expression read about the nominee being evaluated.

    ``nominations.eligibility`` provides it (a port: this module sits below the
    nominations it evaluates). :func:`evaluate` makes it current for the evaluation.
    """

    @property
    def birth_date(self) -> dt.date | None:
        """The nominee's birth date, for ``age_on``."""
        ...

    def rule_fact(self, name: str, *args: Any) -> tuple[bool | None, str]:
        """The rule function ``name`` (a :data:`RULE_FUNCTIONS` key) on normalised
        arguments: (True/False, reason), or (None, the Chinese sentence saying which
        fact is missing)."""
        ...


#: The nominee whose rules are being evaluated; :func:`evaluate` sets it.
_facts: contextvars.ContextVar[RuleFacts | None] = contextvars.ContextVar(
    "jx_expression_facts", default=None
)


class MissingFact(LookupError):
    """A fact a function needs was not given (raised inside evaluation, reported as
    missing data, so the rule needs evidence rather than failing). ``fact`` names the
    fact; ``reason``, when a rule function gives one, is the whole sentence to show."""

    PREFIX = "缺少事实："

    def __init__(self, fact: str = "", *, reason: str = ""):
        self.fact, self.reason = fact, reason
        super().__init__(self.PREFIX + (f"reason:{reason}" if reason else f"fact:{fact}"))


def _day(value: dt.datetime) -> dt.date:
    return value.date()


def _date(text: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=dt.UTC)


def _age_on(day: dt.datetime) -> int:
    facts = _facts.get()
    birth = facts.birth_date if facts is not None else None
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


def choice_value(choices: Any, name: str) -> str:
    """The stored value of ``name`` in ``choices`` (a TextChoices): the value itself, its
    label, or the label's head before "（" ("高级技师" for 高级技师（一级））.

    Raises:
        LookupError: no such choice.
    """
    if name in choices.values:
        return str(name)
    for value, label in choices.choices:
        if name == str(label) or str(label).startswith(name + "（"):
            return str(value)
    raise LookupError(name)


def _rank_of(choices: Any) -> Any:
    def rank(name: str) -> int:
        try:
            return int(choices.rank(choice_value(choices, name)))
        except LookupError:
            raise MissingFact(name) from None

    return rank


_FUNCTIONS: list[tuple[str, str, list[Any], Any, Any]] = [
    ("date", "date_string", [T.STRING], T.TIMESTAMP, _date),
    ("age_on", "age_on_timestamp", [T.TIMESTAMP], T.INT, _age_on),
    ("retirement_age", "retirement_age_strings", [T.STRING, T.STRING], T.INT, _retirement_age),
    ("skill_rank_of", "skill_rank_of_string", [T.STRING], T.INT, _rank_of(SkillLevel)),
    ("level_rank_of", "level_rank_of_string", [T.STRING], T.INT, _rank_of(HonourLevel)),
]

#: What the helper functions above take and give, for the refusal that lists the
#: functions (docs/user/campaign-spec.md 规则表达式 documents them).
HELPER_SIGNATURES: dict[str, str] = {
    "date": "date(日期文字) → 时间",
    "age_on": "age_on(时间) → 周岁",
    "retirement_age": "retirement_age(性别, 岗位类别) → 法定退休年龄",
    "skill_rank_of": "skill_rank_of(技能等级) → 等级序号",
    "level_rank_of": "level_rank_of(荣誉级别) → 级别序号",
}


# ------------------------------------------------------------------ rule functions (macros)

#: The kinds of argument a rule function takes: the CEL type, and how a written value
#: becomes the value the rule reads (``None``: as written). A choice accepts the stored
#: value or the Chinese label ("高级技师", "senior_technician").
_ARGUMENTS: dict[str, tuple[Any, str, Any]] = {
    "skill_level": (T.STRING, "技能等级", SkillLevel),
    "title": (T.STRING, "职称", ProfessionalTitle),
    "honour_level": (T.STRING, "荣誉级别", HonourLevel),
    "contest_level": (T.STRING, "竞赛类别", ContestLevel),
    "medal": (T.STRING, "奖牌", Medal),
    "honour_categories": (T.List(T.STRING), "荣誉类别", HonourCategory),
    "title_categories": (T.List(T.STRING), "职称系列", None),
    "honours": (T.List(T.STRING), "荣誉", "honours"),
    "int": (T.INT, "整数", None),
    "text": (T.STRING, "文字", None),
}


@dataclass(frozen=True)
class RuleFunction:
    """A built-in rule kind as a function of the language (issue 12: the kinds are named
    macros): the same name as the YAML ``rule:`` it stands for, evaluated by the same
    code (``nominations.eligibility.Evaluator.fact_<name>``).

    ``overloads`` are the argument kinds (:data:`_ARGUMENTS`) of each way to call it;
    ``signature`` is how the guide and the refusals write it.
    """

    name: str
    overloads: tuple[tuple[str, ...], ...]
    signature: str


RULE_FUNCTIONS: dict[str, RuleFunction] = {
    f.name: f
    for f in (
        RuleFunction("min_skill_level", (("skill_level",),), "min_skill_level(技能等级)"),
        RuleFunction(
            "min_professional_title",
            (("title",), ("title", "title_categories")),
            "min_professional_title(职称[, 职称系列列表])",
        ),
        RuleFunction(
            "honours_any_of",
            (("honours",), ("honours", "int")),
            "honours_any_of(荣誉代码列表[, 至少几项])",
        ),
        RuleFunction(
            "honour_min_level",
            (("honour_level",), ("honour_level", "honour_categories")),
            "honour_min_level(荣誉级别[, 荣誉类别列表])",
        ),
        RuleFunction(
            "contest_rank",
            (("contest_level", "int"), ("contest_level", "medal")),
            "contest_rank(竞赛类别, 最低名次或最低奖牌)",
        ),
        RuleFunction("not_retired", ((),), "not_retired()"),
        RuleFunction("not_unit_leader", ((),), "not_unit_leader()"),
        RuleFunction("not_previous_awardee", ((), ("text",)), "not_previous_awardee([称号系列])"),
        RuleFunction(
            "native_or_years_in_region",
            (("text", "text", "int"),),
            "native_or_years_in_region(地区名称, 行政区划代码前缀, 年限)",
        ),
    )
}


def _normalise(kind: str, value: Any) -> Any:
    """A written argument as the rule reads it (choices as stored values; honours as
    (code, minimum level or None) pairs); LookupError for a choice that does not exist."""
    choices = _ARGUMENTS[kind][2]
    if choices is None:
        return value
    if choices == "honours":
        refs = []
        for item in value:
            code, _sep, level = str(item).partition(":")
            refs.append((code, choice_value(HonourLevel, level) if level else None))
        return tuple(refs)
    if isinstance(value, list | tuple):
        return tuple(choice_value(choices, str(v)) for v in value)
    return choice_value(choices, value)


@lru_cache(maxsize=4096)
def _arguments(name: str, kinds: tuple[str, ...], args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The arguments of a call of rule function ``name`` as ``Evaluator.fact_<name>``
    takes them (cached: a compiled expression passes the same literals every time)."""
    values = tuple(_normalise(k, v) for k, v in zip(kinds, args, strict=True))
    if name == "contest_rank":
        level, threshold = values
        rank, medal = (threshold, None) if kinds[1] == "int" else (None, threshold)
        return (((level, rank, medal),),)
    return values


def _rule_function_impl(name: str, kinds: tuple[str, ...]) -> Any:
    def impl(*args: Any) -> bool:
        facts = _facts.get()
        if facts is None:
            raise MissingFact(name)
        frozen = tuple(tuple(a) if isinstance(a, list) else a for a in args)
        try:
            arguments = _arguments(name, kinds, frozen)
        except LookupError as exc:
            raise ValueError(f"{name} 的参数 {exc} 不存在") from None
        value, reason = facts.rule_fact(name, *arguments)
        if value is None:
            raise MissingFact(name, reason=reason)
        return value

    return impl


def _rule_function_decls() -> list[Any]:
    decls = []
    for f in RULE_FUNCTIONS.values():
        overloads = [
            cel.Overload(
                "_".join([f.name, *kinds]),
                T.BOOL,
                [_ARGUMENTS[k][0] for k in kinds],
                impl=_rule_function_impl(f.name, kinds),
            )
            for kinds in f.overloads
        ]
        decls.append(cel.FunctionDecl(f.name, overloads))
    return decls


def function_list() -> str:
    """Every function an expression may call, as the refusals list them."""
    return "、".join([*(f.signature for f in RULE_FUNCTIONS.values()), *HELPER_SIGNATURES.values()])


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
    functions += _rule_function_decls()
    return cel.NewEnv(variables={n: _TYPES[t] for n, t in names}, functions=functions)


_CALL = re.compile(r"(?<![\w.])(" + "|".join(RULE_FUNCTIONS) + r")\s*\(")
_STRING = re.compile(r"'([^'\\]*)'|\"([^\"\\]*)\"")


def _call_arguments(source: str, start: int) -> list[str]:
    """The top-level arguments (as written) of the call whose "(" is at ``start``."""
    args, depth, quote, begin = [], 0, "", start + 1
    for i in range(start, len(source)):
        ch = source[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                args.append(source[begin:i])
                break
        elif ch == "," and depth == 1:
            args.append(source[begin:i])
            begin = i + 1
    return [a.strip() for a in args if a.strip()]


def _rule_literal_problems(source: str, honour_codes: frozenset[str] | None) -> list[str]:
    """Choices written in rule functions' string literals that do not exist (a level, a
    category, an honour code missing from the catalogue when ``honour_codes`` is given)."""
    problems = []
    for call in _CALL.finditer(source):
        f = RULE_FUNCTIONS[call[1]]
        args = _call_arguments(source, call.end() - 1)
        line = source.count("\n", 0, call.start()) + 1
        for i, arg in enumerate(args):
            kind = _literal_kind(f, len(args), i, arg)
            choices = _ARGUMENTS[kind][2] if kind else None
            if choices is None:
                continue
            for m in _STRING.finditer(arg):
                written = m[1] if m[1] is not None else m[2]
                problem = _literal_problem(kind, written, honour_codes)
                if problem:
                    problems.append(f"第 {line} 行：{f.name}(…) 中{problem}")
    return problems


def _literal_kind(f: RuleFunction, count: int, i: int, arg: str) -> str:
    """The kind of the ``i``-th of ``count`` arguments of a call of ``f`` written ``arg``:
    the overloads of that many arguments that take a string (or a list) there."""
    wanted = T.STRING if arg[:1] in "'\"" else T.List(T.STRING) if arg[:1] == "[" else None
    if wanted is None:
        return ""
    kinds = [k[i] for k in f.overloads if len(k) == count and _ARGUMENTS[k[i]][0] == wanted]
    return kinds[0] if kinds else ""


def _literal_problem(kind: str, written: str, honour_codes: frozenset[str] | None) -> str:
    what, choices = _ARGUMENTS[kind][1], _ARGUMENTS[kind][2]
    if choices == "honours":
        code, _sep, level = written.partition(":")
        if honour_codes is not None and code not in honour_codes:
            return f"的荣誉代码“{code}”不在本活动的荣誉目录（honours）中"
        if level:
            return _literal_problem("honour_level", level, honour_codes)
        return ""
    try:
        choice_value(choices, written)
    except LookupError:
        allowed = "、".join(f"{v}（{label}）" for v, label in choices.choices)
        return f"的{what}“{written}”不存在，可选：{allowed}"
    return ""


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


def _chinese(problem: str, names: list[str], *, call: bool = False) -> str:
    """The checker's English problem, said in Chinese (with the nearest known names);
    ``call`` when the problem is at a function call's "(" (an unknown function)."""
    if m := re.match(r"undeclared reference to '([^']*)'", problem):
        name = m[1]
        if call and (name in RULE_FUNCTIONS or name in HELPER_SIGNATURES):
            # CEL finds a function by its name and number of arguments.
            written = RULE_FUNCTIONS[name].signature if name in RULE_FUNCTIONS else None
            return (
                f"函数 {name} 的参数个数不对，应为 {written or HELPER_SIGNATURES[name]}"
                f"（可用的函数：{function_list()}）"
            )
        if call:
            functions = [*RULE_FUNCTIONS, *HELPER_SIGNATURES]
            near = difflib.get_close_matches(name, functions, n=3, cutoff=0.6)
            hint = f"；是否想写 {'、'.join(near)}？" if near else ""
            return f"没有函数 {name}{hint}（可用的函数：{function_list()}）"
        near = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        hint = f"；是否想写 {'、'.join(near)}？" if near else ""
        if name.startswith("form."):
            return f"表单中没有字段 {name.removeprefix('form.')}{hint}"
        return f"未定义的名称 {name}{hint}（可用的名称见填写指南“规则表达式”一节）"
    if m := re.match(r"found no matching overload for '([^']*)' applied to '\((.*)\)'", problem):
        if m[1] in RULE_FUNCTIONS or m[1] in HELPER_SIGNATURES:
            written = RULE_FUNCTIONS[m[1]].signature if m[1] in RULE_FUNCTIONS else None
            return (
                f"函数 {m[1]} 的参数个数或类型不对（现为 ({m[2]})），应为 "
                f"{written or HELPER_SIGNATURES[m[1]]}（可用的函数：{function_list()}）"
            )
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
    functions: frozenset[str] = frozenset()


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
            ``skill_rank_of('…')``, ``level_rank_of('…')``; a rule function
            (:data:`RULE_FUNCTIONS`) that does not exist or is given the wrong number or
            types of arguments (the message lists the functions), or a level, category
            or medal written in its arguments that does not exist.
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
    problems += _rule_literal_problems(source, None)
    try:
        program = env.compile(source)
    except RuntimeError as exc:
        lines = source.split("\n")
        problems[:0] = [
            f"第 {m[1]} 行第 {m[2]} 列："
            + _chinese(m[3], known, call=lines[int(m[1]) - 1][int(m[2]) - 1 : int(m[2])] == "(")
            for m in _ERROR_LINE.finditer(str(exc))
        ] or [f"无法编译：{exc}"]
        raise ExpressionError(problems) from exc
    result = program.return_type()
    if result != T.BOOL:
        problems.append(f"的结果应为真或假（bool），现为 {result.name().lower()}")
    if problems:
        raise ExpressionError(problems)
    used = frozenset(n for n in known if re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", source))
    return Compiled(source, program, used, frozenset(c[1] for c in _CALL.finditer(source)))


def check_expression(
    source: str,
    names: tuple[tuple[str, str], ...],
    *,
    honour_codes: frozenset[str] | None = None,
) -> list[str]:
    """The Chinese problems of ``source`` against ``names``; empty when it compiles.
    ``honour_codes``, the campaign's honour catalogue, is what ``honours_any_of`` may name.
    """
    try:
        compiled = compile_expression(source, names)
    except ExpressionError as exc:
        return exc.messages
    if honour_codes is not None and "honours_any_of" in compiled.functions:
        return _rule_literal_problems(source, honour_codes)
    return []


# --------------------------------------------------------------------------- evaluating


@dataclass(frozen=True)
class Outcome:
    """An expression's value for one nominee: ``value`` True/False, or None with
    ``missing`` (the fact that was not given, in Chinese or as its name), ``reason`` (a
    rule function's own sentence saying what is missing) or ``error``."""

    value: bool | None
    missing: str = ""
    error: str = ""
    reason: str = ""


_MISSING_NAME = re.compile(r'No value with name "([^"]+)" found')
_MISSING_KEY = re.compile(r"Key not found in map : \"?([^\"]*)\"?")


def evaluate(compiled: Compiled, data: Mapping[str, Any], *, facts: RuleFacts) -> Outcome:
    """Evaluate a compiled expression on ``data`` (name → value; a name without a value is
    a fact not given) for the nominee ``facts`` describes (its birth date for ``age_on``,
    the rule functions).

    Returns:
        The :class:`Outcome`. A fact the expression needs and that is not given makes the
        outcome unknown (``missing``, or a rule function's ``reason``), never true; CEL's
        ``||`` and ``&&`` still decide when the other side settles the answer.
    """
    token = _facts.set(facts)
    try:
        result = compiled.program.eval(data=data)
    finally:
        _facts.reset(token)
    if result.type() != T.ERROR:
        return Outcome(bool(result.value()))
    text = str(result.value())
    if (at := text.find(MissingFact.PREFIX)) >= 0:
        kind, _sep, said = text[at + len(MissingFact.PREFIX) :].partition(":")
        return Outcome(None, reason=said) if kind == "reason" else Outcome(None, missing=said)
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
