"""Realistic, clearly marked sample people for the demo and the test factories.

:class:`SampleGenerator` turns a seed into a reproducible stream of :class:`SamplePerson`
objects: a resident ID number valid under GB 11643 (area code known to python-stdnum's
``cn/loc.dat`` for the birth year, birth date, sex digit, check digit), a name matching
the sex, a mobile number, native place, occupation (工种), skill level, work history,
honours from a campaign's catalogue, patents, contests, an achievement summary and a
narrative. Faker's own ``ssn()`` is not used: stdnum rejects about two thirds of its area
codes (docs/testing.md, Factories).

Every sample is marked: the achievement texts start with :data:`SAMPLE_MARK` and the
nominations made from them carry ``is_sample=True``.

:meth:`SampleGenerator.person` can shape a person for an award: eligible under its hard
rules (campaigns.spec ``Award.eligibility``), or failing one chosen rule (skill level,
honours, retirement, unit leadership) so that reviewers see the engine at work.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import stdnum.cn
from faker import Faker
from stdnum import luhn
from stdnum.cn import ric

from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.enums import HonourLevel, SkillLevel

#: Every sample achievement text starts with this mark.
SAMPLE_MARK = "【示例数据】"

#: The sample for a required video (seed 003 四(三): 5分钟左右的事迹介绍视频): five minutes
#: of one grey picture, a few kilobytes (core.media.still_video), built when first used.
SAMPLE_VIDEO_SECONDS = 300
#: The too-short video a demo clerk tries first (the notice asks about five minutes).
SHORT_VIDEO_SECONDS = 60

#: Ways a sample can fail an award's hard rules (see :meth:`SampleGenerator.person`).
FAILURES = ("skill_level", "honours", "retired", "unit_leader")


# --------------------------------------------------------------------------- area codes


@dataclass(frozen=True)
class Area:
    """A county-level area code of ``cn/loc.dat`` and the years it was in use."""

    code: str
    province: str
    prefecture: str
    county: str
    start: int | None
    end: int | None

    def valid_in(self, year: int) -> bool:
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)

    @property
    def native_place(self) -> str:
        """籍贯 as forms write it: province and prefecture (吉林省长春市)."""
        if self.prefecture and self.prefecture != self.province:
            return self.province + self.prefecture
        return self.province + self.county


_LINE = re.compile(r'^(\s*)(\d+) (\w+)="(.*)"$')
_NAMED = re.compile(r"^(?:\[(\d*)-(\d*)\])?(.+)$")
#: Administrative placeholders that are valid codes but nobody's birthplace on a form.
_NOT_A_PLACE = ("市辖区", "郊区", "市区", "省直辖", "自治区直辖")


def _names(value: str) -> list[tuple[int | None, int | None, str]]:
    found = []
    for part in value.split(","):
        match = _NAMED.match(part.strip())
        if match:
            start, end, name = match.groups()
            found.append((int(start) if start else None, int(end) if end else None, name))
    return found


@functools.cache
def areas() -> tuple[Area, ...]:
    """County-level areas of python-stdnum's ``cn/loc.dat`` (the file ``ric`` checks)."""
    text = (Path(stdnum.cn.__file__).parent / "loc.dat").read_text(encoding="utf-8")
    found: list[Area] = []
    province = prefix = ""
    prefectures: dict[str, str] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        indent, digits, _key, value = match.groups()
        if not indent:
            prefix, province = digits, _names(value)[-1][2]
            continue
        code = prefix + digits
        if len(code) != 6 or code.endswith("0000"):
            continue
        if code.endswith("00"):
            prefectures[code[:4]] = _names(value)[-1][2]
            continue
        for start, end, name in _names(value):
            if not any(word in name for word in _NOT_A_PLACE):
                prefecture = prefectures.get(code[:4], province)
                found.append(Area(code, province, prefecture, name, start, end))
    return tuple(found)


@functools.cache
def areas_for(prefix: str, year: int) -> tuple[Area, ...]:
    """Areas whose code starts with ``prefix`` and that existed in ``year``. Kept per
    process: each sample person asks for one to three, and a scan of all 6,080 takes
    0.4 ms, ≈ 2.5 s over the ≈ 5,600 asks of a test run (issue 11)."""
    return tuple(a for a in areas() if a.code.startswith(prefix) and a.valid_in(year))


def region_prefix(unit: Any) -> str:
    """The GB/T 2260 prefix of an org unit's region ("22" for a province, "2201" for a
    city), from the nearest ``division_code`` on the unit or its ancestors; "" if none.
    ``unit`` is an ``accounts.OrgUnit`` (or None)."""
    while unit is not None and not unit.division_code:
        unit = unit.get_parent()
    code = unit.division_code if unit is not None else ""
    return code[:2] if code[2:4] == "00" else code[:4]


def make_id_number(area_code: str, birth_date: dt.date, sequence: int) -> str:
    """A GB 11643 number: area code, birth date, 3-digit sequence (odd last digit for
    men), check digit (``ric.calc_check_digit``)."""
    body = f"{area_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


# --------------------------------------------------------------------------- vocabularies


@dataclass(frozen=True)
class Trade:
    """An occupation (工种) with words that make its achievement text plausible."""

    occupation: str
    industry: str
    work: str  # what the person works on
    problems: tuple[str, ...]
    inventions: tuple[str, ...]
    metric: str  # what the improvement raised or cut
    contest: str  # the contest event's name
    title_category: str = "工程技术"


TRADES: tuple[Trade, ...] = (
    Trade(
        "车工",
        "通用设备制造业",
        "精密轴类、套类零件加工",
        ("细长轴车削振动", "薄壁套筒装夹变形", "深孔加工表面粗糙度超差"),
        ("可调式偏心车削夹具", "细长轴跟刀架改进装置", "薄壁件液性塑料胀紧心轴"),
        "零件一次交检合格率",
        "车工",
    ),
    Trade(
        "钳工",
        "专用设备制造业",
        "大型冲压模具装配与修复",
        ("模具导向精度下降", "冲压件毛刺超差", "大型模具换型时间过长"),
        ("模具快速换型定位装置", "导柱导套精密研配工装", "冲裁间隙检测样板"),
        "模具装配效率",
        "装配钳工",
    ),
    Trade(
        "焊工",
        "金属制品业",
        "压力容器与压力管道焊接",
        ("厚壁管道焊缝夹渣", "不锈钢薄板焊接变形", "异种钢焊接裂纹"),
        ("窄间隙自动焊接小车", "薄板防变形焊接胎具", "管道内壁充氩保护装置"),
        "焊缝一次探伤合格率",
        "焊工",
    ),
    Trade(
        "电工",
        "电气机械和器材制造业",
        "生产线电气控制系统维护",
        ("变频器频繁过流停机", "PLC 通讯间歇中断", "老旧设备控制柜故障率高"),
        ("变频器故障快速诊断仪", "PLC 程序在线监控模块", "电机轴承温升预警装置"),
        "设备综合效率",
        "电工",
    ),
    Trade(
        "数控车床操作工",
        "汽车制造业",
        "变速箱齿轮轴数控加工",
        ("批量加工尺寸漂移", "刀具磨损导致停机", "复杂型面编程周期长"),
        ("刀具寿命管理宏程序", "在机测量自动补偿程序", "多工位快换卡爪"),
        "单件加工效率",
        "数控车工",
    ),
    Trade(
        "汽车装调工",
        "汽车制造业",
        "整车底盘装配与调试",
        ("底盘螺栓漏拧", "四轮定位调整耗时", "制动管路装配渗漏"),
        ("底盘螺栓拧紧防错系统", "四轮定位快速调整工装", "制动管路气密检测台"),
        "整车一次下线合格率",
        "汽车装调工",
    ),
    Trade(
        "化工总控工",
        "化学原料和化学制品制造业",
        "乙烯裂解装置运行操作",
        ("裂解炉结焦周期短", "DCS 报警过多", "开停车过程能耗高"),
        ("裂解炉烧焦优化操作法", "DCS 报警分级处置方案", "装置平稳开车操作卡"),
        "装置运行效率",
        "化工总控工",
    ),
    Trade(
        "电力线路运检工",
        "电力、热力生产和供应业",
        "220 千伏输电线路运行检修",
        ("冬季导线覆冰", "绝缘子污闪跳闸", "山区线路巡视效率低"),
        ("带电作业绝缘操作杆", "无人机精细化巡检航线库", "导线异物激光清除装置"),
        "线路巡检效率",
        "电力线路运检工",
    ),
    Trade(
        "中式烹调师",
        "住宿和餐饮业",
        "传统地方菜的传承与创新",
        ("传统菜品口味不稳定", "后厨出品效率低", "地方名菜技艺失传"),
        ("菜品标准化操作规程", "中央厨房预制工艺", "传统名菜复原工艺"),
        "出品效率",
        "中式烹调师",
        title_category="",
    ),
    Trade(
        "砌筑工",
        "建筑业",
        "清水砖墙砌筑与古建筑修缮",
        ("清水墙灰缝不匀", "冬季砌筑强度不足", "古建筑青砖损坏修复难"),
        ("清水墙皮数杆定位法", "冬期施工保温砌筑工法", "古建筑青砖剔补工艺"),
        "砌筑工效",
        "砌筑工",
        title_category="",
    ),
    Trade(
        "焊接机器人操作工",
        "汽车制造业",
        "白车身机器人焊装",
        ("焊点飞溅大", "焊枪电极帽修磨频繁", "新车型焊装调试周期长"),
        ("机器人焊接路径离线编程方法", "电极帽自动修磨检测装置", "焊点质量在线监测系统"),
        "焊装线节拍",
        "焊接机器人操作工",
    ),
    Trade(
        "机床装调维修工",
        "通用设备制造业",
        "数控机床装调与维修",
        ("主轴精度衰减", "伺服轴爬行", "进口设备备件周期长"),
        ("主轴精度恢复工艺", "伺服参数快速整定方法", "进口备件国产化替代方案"),
        "设备完好率",
        "机床装调维修工",
    ),
)

#: Occupations that fit a workplace, by words in its name (first match wins).
TRADE_HINTS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("汽车维修",), ("汽车装调工",)),
    (("汽车", "一汽", "轨道客车", "车辆"), ("汽车装调工", "焊接机器人操作工", "数控车床操作工")),
    (("医院", "农业科学院", "高速公路", "地铁", "水务", "热力"), ("电工", "焊工")),
    (("电厂", "供电", "电力"), ("电力线路运检工", "电工")),
    (("化纤", "化工", "制药", "纸业", "氟"), ("化工总控工", "电工")),
    (("煤", "矿"), ("电工", "钳工", "焊工")),
    (("建设", "城建", "建筑", "勘测"), ("砌筑工", "焊工")),
    (("船", "海洋重工", "锅炉"), ("焊工",)),
    (("数控",), ("机床装调维修工", "数控车床操作工")),
    (("食品", "餐饮", "酒店", "饭店"), ("中式烹调师",)),
    (("学校", "学院"), ("数控车床操作工", "车工", "钳工", "焊工", "电工")),
    (
        ("机械", "精密", "量具", "工具", "渔具", "轮胎", "卷烟", "制造"),
        ("车工", "钳工", "数控车床操作工", "机床装调维修工"),
    ),
    (("公共交通", "公交", "公共汽车"), ("汽车装调工", "电工")),
)

#: Cuisines by province code, for 中式烹调师 (the region's own cooking).
CUISINES = {"22": "吉菜", "23": "龙江菜", "37": "鲁菜", "41": "豫菜"}
#: Area codes and postal codes of the seed campaigns' cities; others get plausible ones.
LANDLINE_PREFIX = {
    **{"22": "0431", "2202": "0432", "23": "0451", "37": "0531", "3710": "0631"},
    **{"41": "0371", "4108": "0391"},
}
POSTAL_PREFIX = {
    **{"22": "1300", "2202": "1320", "23": "1500", "37": "2500", "3710": "2642"},
    **{"41": "4500", "4108": "4540"},
}
MOBILE_PREFIXES = (
    *("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152"),
    *("153", "155", "156", "157", "158", "159", "166", "175", "176", "177", "180", "181"),
    *("182", "183", "185", "186", "187", "188", "189", "191", "198", "199"),
)
#: Given names by sex: Faker's zh_CN locale does not tell male from female names.
GIVEN_NAMES = {
    "男": (
        *("建国", "志强", "永胜", "海涛", "国庆", "立新", "春雷", "宏伟", "振华", "文军"),
        *("明", "伟", "军", "涛", "斌", "磊", "鹏", "刚", "勇", "强", "超", "浩"),
        *("树林", "德胜", "长江", "玉成", "庆丰", "东升", "晓峰", "卫东", "学军", "宝山"),
    ),
    "女": (
        *("秀英", "桂兰", "丽华", "淑珍", "玉梅", "春燕", "晓红", "海燕", "丽娟", "雪梅"),
        *("静", "敏", "燕", "艳", "娟", "霞", "婷", "丽", "芳", "玲", "红", "颖"),
        *("凤霞", "美玲", "淑芬", "亚男", "秀云", "慧敏", "晓丽", "文静", "佳慧", "雅琴"),
    ),
}
ETHNIC_GROUPS = {
    "22": ("满族", "朝鲜族", "蒙古族", "回族"),
    "23": ("满族", "朝鲜族", "蒙古族", "回族"),
    "37": ("回族", "满族"),
    "41": ("回族", "满族", "蒙古族"),
}
POSTS = ("班组长", "首席技师", "技能大师工作室负责人", "工段长", "技术主管", "主操", "高级技师")
SKILLED_LEVELS = (
    SkillLevel.SENIOR_TECHNICIAN,
    SkillLevel.SENIOR_TECHNICIAN,
    SkillLevel.TECHNICIAN,
    SkillLevel.SPECIAL_TECHNICIAN,
    SkillLevel.CHIEF_TECHNICIAN,
)
EDUCATIONS = (
    ("高中（中专、技校）", 30),
    ("大专（高职、技师学院）", 40),
    ("本科", 25),
    ("初中及以下", 3),
    ("硕士研究生", 2),
)
NUMERALS = "一二三四五六七八九十"
#: How contest categories read in a contest's name.
CONTEST_NAMES = {
    "world": "世界技能大赛",
    "national_games": "全国职业技能大赛",
    "national_class1": "全国一类职业技能大赛",
    "national_class2": "全国行业职业技能竞赛",
    "provincial_class1": "省级一类职业技能竞赛",
    "provincial_class2": "省级二类职业技能竞赛",
    "city": "市职工职业技能大赛",
}


# --------------------------------------------------------------------------- the person


@dataclass
class SamplePerson:
    """One sample nominee. Field names are the nomination form's core keys
    (campaigns.spec.CORE_FIELDS); ``values_for`` picks those a campaign's form has."""

    name: str
    sex: str
    birth_date: dt.date
    id_number: str
    ethnic_group: str
    native_place: str
    political_status: str
    education: str
    phone: str
    landline: str
    email: str
    bank_account: str
    address: str
    postal_code: str
    workplace_name: str
    industry: str
    post: str
    occupation: str
    skill_level: str
    professional_title: str
    professional_title_category: str
    identity: str
    work_start_date: dt.date
    occupation_start_date: dt.date
    years_of_work: int
    years_in_region: int
    is_retired: bool
    is_unit_leader: bool
    workplace_contact: str
    workplace_contact_phone: str
    work_history: list[dict[str, Any]] = field(default_factory=list)
    honours: list[dict[str, Any]] = field(default_factory=list)
    patents: list[dict[str, Any]] = field(default_factory=list)
    contests: list[dict[str, Any]] = field(default_factory=list)
    achievement_summary: str = ""
    achievement_narrative: str = ""
    claimed_conditions: list[str] = field(default_factory=list)
    post_start_date: dt.date = dt.date(2000, 1, 1)
    topics: dict[str, str] = field(default_factory=dict)

    def values_for(
        self,
        campaign_spec: s.CampaignSpec,
        *,
        award_name: str = "",
        nominating_unit_name: str = "",
        on: dt.date | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(core, extra) values for ``nominations.services.save_nomination``.

        Core values are limited to the campaign form's fields (what a clerk could type),
        except ``claimed_conditions``: judged conditions (seed 000 三) need a claim even
        where the form has no row for it. Texts with a ``max_chars`` are cut at a sentence
        end to fit. ``extra`` fills the campaign's own fields from their type and label:
        ``award_name`` for a choice naming the award (seed 001 推荐类别),
        ``nominating_unit_name`` for 推荐单位/工会 fields, ``on`` for 填表日期.
        """
        own = {f.name for f in dataclasses.fields(self)}
        context = {"award": award_name, "unit": nominating_unit_name, "on": on or dt.date.today()}
        core: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for f in campaign_spec.form.all_fields():
            if f.key in s.CORE_FIELDS:
                if f.key in own:
                    value = getattr(self, f.key)
                    if isinstance(value, str) and f.max_chars:
                        value = fit(value, f.max_chars)
                    core[f.key] = value
            elif f.effective_type not in ("photo", "video"):  # uploaded as evidence
                extra[f.key] = self._extra_value(f, context)
        if self.claimed_conditions:
            core["claimed_conditions"] = list(self.claimed_conditions)
        return core, extra

    def _extra_value(self, f: s.FormField, context: dict[str, Any], parent: str = "") -> Any:
        kind = f.effective_type
        # A group's sub-fields are labelled 内容/证明人; the group's label says what about.
        label = parent + f.label
        if kind == "group":
            return {sub.key: self._extra_value(sub, context, f.label) for sub in f.fields}
        if kind == "table":
            return [{c.key: self._cell(c) for c in f.columns}]
        if kind == "choice":
            named = [c for c in f.choices if context["award"] and c == context["award"]]
            return (named or f.choices or [""])[0]
        if kind == "multichoice":
            held = {h["name"] for h in self.honours}
            matching = [c for c in f.choices if c in held]
            if matching or any(word in label for word in ("荣誉", "称号")):
                return matching
            return f.choices[:1]
        if kind == "boolean":
            if "专利" in label:
                return bool(self.patents)
            return "劳动模范" in label and any(h["code"] == "model_worker" for h in self.honours)
        if kind == "integer":
            for word, patent_kind in (
                ("发明", "invention"),
                ("实用新型", "utility"),
                ("外观", "design"),
            ):
                if word in f.label:
                    return sum(p["kind"] == patent_kind for p in self.patents)
            return self.years_of_work
        if kind in ("date", "year_month"):
            if any(word in label for word in ("填表", "填报", "日期")):
                return context["on"].isoformat()
            if any(word in label for word in ("现职", "现岗位", "任职")):
                return self.post_start_date.isoformat()
            return self.work_start_date.isoformat()
        if kind == "phone":
            return self.phone
        if kind == "landline":
            return self.landline
        if kind == "textarea":
            return fit(self.topic_text(label), f.max_chars or 600)
        if "其他" in f.label:
            return ""
        if context["unit"] and any(word in label for word in ("推荐单位", "工会")):
            return context["unit"]
        guess = _guess_text(label, self)
        if guess is None:
            guess = self.topic_text(label)
        return fit(guess, f.max_chars or 100)

    def _cell(self, column: s.Column) -> Any:
        if column.type == "choice":
            return column.choices[0] if column.choices else ""
        if column.type == "integer":
            return 1
        if column.type in ("date", "year_month"):
            return self.work_start_date.isoformat()
        guess = _guess_text(column.label, self) or self.topic_text(column.label)
        return fit(guess, column.max_chars or 100)

    def topic_text(self, label: str) -> str:
        """The paragraph of the sample's topics (``topics``) that a field's label asks
        for (工匠精神, 技能/绝技, 创新/革新, 带动/传承/徒, 科技, 荣誉/奖); else the summary."""
        for words, key in (
            (("工匠精神", "精神"), "spirit"),
            (("绝技", "绝招", "技能", "技艺", "专长"), "skills"),
            (("创新", "革新", "贡献", "成果"), "innovation"),
            (("带动", "领军", "带徒", "传承", "示范"), "leadership"),
            (("科技",), "science"),
            (("荣誉", "获奖", "奖"), "other"),
        ):
            if any(word in label for word in words) and key in self.topics:
                return self.topics[key]
        return self.achievement_summary


def _guess_text(label: str, person: SamplePerson) -> str | None:
    """A plausible value for a campaign's own text field from its label, or None."""
    for words, value in (
        (("证明人", "证明材料"), f"{person.workplace_contact}（{person.workplace_name}人事部门）"),
        (("单位", "企业"), person.workplace_name),
        (("职务", "岗位"), person.post),
        (("工种", "职业"), person.occupation),
        (("行业",), person.industry),
        (("地址",), person.address),
        (("联系人",), person.workplace_contact),
        (("技术", "成果", "项目", "名称"), "“" + person.occupation + "”技术革新"),
    ):
        if any(word in label for word in words):
            return value
    return None


def fit(text: str, limit: int) -> str:
    """Cut ``text`` at the last sentence end (。) so that it has at most ``limit``
    characters as the notices count them (campaigns.spec.chars); hard cut otherwise."""
    if s.chars(text) <= limit:
        return text
    cut = text
    while s.chars(cut) > limit and "。" in cut[:-1]:
        cut = cut[: cut[:-1].rindex("。") + 1]
    while s.chars(cut) > limit:
        cut = cut[:-1]
    return cut


# --------------------------------------------------------------------------- the generator


class SampleGenerator:
    """A reproducible stream of sample people.

    Args:
        seed: the same seed gives the same people in the same order.
        on: the reference date for ages, years of work and honours' years (default:
            today); the demo passes the campaign's closing date.
    """

    def __init__(self, seed: int = 2026, *, on: dt.date | None = None):
        # Sample data, not security: a seeded PRNG is the point.
        self.rng = random.Random(seed)  # noqa: S311
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self.on = on or dt.date.today()
        self._used_ids: set[str] = set()

    # -- pieces

    def birth_date(self, min_age: int = 25, max_age: int = 58) -> dt.date:
        """A birth date making the person ``min_age``..``max_age`` full years old on ``on``."""
        latest = _years_before(self.on, min_age)
        earliest = _years_before(self.on, max_age + 1) + dt.timedelta(days=1)
        return earliest + dt.timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def id_number(self, sex: str, birth_date: dt.date, prefix: str = "") -> tuple[str, Area]:
        """A valid resident ID number born in an area whose code starts with ``prefix``
        (falling back to its first two digits, then anywhere) and its area."""
        # Areas still in use today keep the native place and address in current names.
        choices = next(
            found
            for p in (prefix, prefix[:2], "")
            if (found := [a for a in areas_for(p, birth_date.year) if a.valid_in(self.on.year)])
        )
        while True:
            area = self.rng.choice(choices)
            digit = self.rng.choice("13579" if sex == "男" else "02468")
            number = make_id_number(
                area.code, birth_date, self.rng.randint(1, 99) * 10 + int(digit)
            )
            if ric.is_valid(number) and number not in self._used_ids:
                self._used_ids.add(number)
                return number, area

    def mobile(self) -> str:
        """A mainland mobile number (1[3-9] prefix, 11 digits)."""
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"

    def bank_account(self) -> str:
        """A 19-digit UnionPay-style debit card number with a Luhn check digit."""
        body = "6228" + "".join(str(self.rng.randint(0, 9)) for _ in range(14))
        return body + luhn.calc_check_digit(body)

    def patent_number(self, year: int, kind: str) -> str:
        """A Chinese patent number, ZL + 12-digit application number + check digit."""
        digits = f"{year}{'1' if kind == 'invention' else '2'}{self.rng.randint(0, 9_999_999):07d}"
        weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
        check = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        return f"ZL{digits}.{'X' if check == 10 else check}"

    def _weighted(self, pairs: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]

    # -- a whole person

    def person(
        self,
        *,
        division_prefix: str = "",
        workplace_name: str = "",
        campaign_spec: s.CampaignSpec | None = None,
        award: s.AwardSpec | None = None,
        failure: str | None = None,
        sex: str | None = None,
        occupation: str | None = None,
    ) -> SamplePerson:
        """The next sample person.

        Args:
            division_prefix: GB/T 2260 prefix of the region the person is from and works
                in ("22" 吉林省, "2201" 长春市); empty for anywhere.
            workplace_name: the employer's name (default: a Faker company).
            campaign_spec: gives the honours catalogue (``honours``).
            award: shape the person to meet this award's hard rules.
            failure: with ``award``, then break one rule: one of :data:`FAILURES`
                (use :func:`failures_for` to see which the award has).
            sex: "男" or "女" (default: random, about three men in four).
            occupation: one of :data:`TRADES` (default: one that fits the workplace's
                name, see :data:`TRADE_HINTS`, else any).
        Returns:
            A :class:`SamplePerson`; its texts start with :data:`SAMPLE_MARK`.
        Raises:
            ValueError: an unknown ``failure`` or ``occupation``.
        """
        if failure is not None and failure not in FAILURES:
            raise ValueError(f"unknown failure {failure!r}; expected one of {FAILURES}")
        rng = self.rng
        sex = sex or ("男" if rng.random() < 0.75 else "女")
        # Women workers retire at 50 (seeds 000 and 004 check the statutory age): a
        # sample in service is younger.
        birth = self.birth_date(max_age=58 if sex == "男" else 49)
        id_number, area = self.id_number(sex, birth, division_prefix)
        name = self.faker.last_name() + rng.choice(GIVEN_NAMES[sex])
        age = _age(birth, self.on)
        trade = self._trade(occupation, workplace_name)
        province_code = area.code[:2]
        work_start = dt.date(birth.year + rng.randint(18, 22), rng.choice((7, 8, 9)), 1)
        years = max(1, self.on.year - work_start.year)
        workplace = workplace_name or self.faker.company()
        post = rng.choice(POSTS)
        political = (
            "共青团员"
            if age < 28 and rng.random() < 0.5
            else self._weighted(
                (("中共党员", 55), ("群众", 38), ("民主党派", 5), ("中共预备党员", 2))
            )
        )
        ethnic = (
            "汉族"
            if rng.random() < 0.85
            else rng.choice(ETHNIC_GROUPS.get(province_code, ("回族", "满族")))
        )
        # Home (address, phone area, postcode) is in the region's city, or its capital.
        home_prefix = division_prefix if len(division_prefix) >= 4 else division_prefix + "01"
        home = rng.choice(areas_for(home_prefix, self.on.year) or areas_for("2201", self.on.year))
        city4 = home.code[:4]
        landline = LANDLINE_PREFIX.get(city4) or LANDLINE_PREFIX.get(city4[:2], "010")
        postal = POSTAL_PREFIX.get(city4) or POSTAL_PREFIX.get(city4[:2], "1000")
        person = SamplePerson(
            name=name,
            sex=sex,
            birth_date=birth,
            id_number=id_number,
            ethnic_group=ethnic,
            native_place=area.native_place,
            political_status=political,
            education=self._weighted(EDUCATIONS),
            phone=self.mobile(),
            landline=f"{landline}-8{rng.randint(0, 9_999_999):07d}",
            email=self.faker.free_email(),
            bank_account=self.bank_account(),
            address=f"{home.province}{home.prefecture}{home.county}{self.faker.street_name()}"
            f"{rng.randint(1, 999)}号",
            postal_code=f"{postal}{rng.randint(0, 99):02d}",
            workplace_name=workplace,
            industry=trade.industry,
            post=post,
            occupation=trade.occupation,
            skill_level=rng.choice(SKILLED_LEVELS),
            professional_title=rng.choice(("none", "none", "intermediate", "junior")),
            professional_title_category="",
            identity="普通工人",
            work_start_date=work_start,
            occupation_start_date=work_start,
            years_of_work=years,
            years_in_region=years,
            is_retired=False,
            is_unit_leader=False,
            workplace_contact=self.faker.name(),
            workplace_contact_phone=self.mobile(),
        )
        if person.professional_title != "none":
            person.professional_title_category = trade.title_category or "工程技术"
        person.work_history = self._work_history(person, trade)
        person.patents = self._patents(trade)
        person.contests = self._contests(trade, area)
        catalogue = list(campaign_spec.honours) if campaign_spec else []
        person.honours = self._honours(catalogue)
        if award is not None and campaign_spec is not None:
            _satisfy(person, award.eligibility, campaign_spec, self)
            if failure:
                _break(person, award, failure, catalogue)
        person.achievement_summary = self._summary(person, trade, area)
        person.achievement_narrative = self._narrative(person, trade, area)
        person.topics = self._topics(person, trade, area)
        return person

    def _trade(self, occupation: str | None, workplace_name: str) -> Trade:
        by_name = {trade.occupation: trade for trade in TRADES}
        if occupation:
            if occupation not in by_name:
                raise ValueError(
                    f"unknown occupation {occupation!r}; expected one of {list(by_name)}"
                )
            return by_name[occupation]
        for words, occupations in TRADE_HINTS:
            if any(word in workplace_name for word in words):
                return by_name[self.rng.choice(occupations)]
        return self.rng.choice(TRADES)

    # -- lists

    def _work_history(self, person: SamplePerson, trade: Trade) -> list[dict[str, Any]]:
        start = person.work_start_date
        middle = dt.date(min(start.year + self.rng.randint(5, 10), self.on.year - 1), 1, 1)
        rows = [
            (start, middle, f"{trade.occupation}"),
            (middle, None, person.post),
        ]
        person.post_start_date = max(start, middle)
        return [
            {
                "period": f"{a:%Y.%m}—{f'{b - dt.timedelta(days=1):%Y.%m}' if b else '至今'}",
                "workplace": person.workplace_name,
                "post": post,
                "witness": self.faker.name(),
            }
            for a, b, post in rows
            if b is None or b > a
        ]

    def _patents(self, trade: Trade) -> list[dict[str, Any]]:
        rows = []
        for invention in self.rng.sample(trade.inventions, self.rng.randint(0, 2)):
            year = self.on.year - self.rng.randint(1, 8)
            kind = self.rng.choice(("utility", "utility", "invention"))
            rows.append(
                {
                    "name": f"一种{invention}",
                    "kind": kind,
                    "number": self.patent_number(year, kind),
                    "year": year,
                }
            )
        return rows

    def _contests(self, trade: Trade, area: Area) -> list[dict[str, Any]]:
        if self.rng.random() < 0.4:
            return []
        year = self.on.year - self.rng.randint(1, 10)
        rank = self.rng.randint(1, 6)
        return [
            {
                "name": f"{area.province}第{NUMERALS[self.rng.randint(0, 9)]}届职业技能大赛"
                f"{trade.contest}项目",
                "level": "provincial_class2",
                "rank": rank,
                "medal": "",
                "year": year,
            }
        ]

    def _honours(self, catalogue: list[s.HonourEntry]) -> list[dict[str, Any]]:
        if not catalogue or self.rng.random() < 0.3:
            return []
        picked = self.rng.sample(catalogue, min(len(catalogue), self.rng.randint(1, 2)))
        return [self.honour_row(entry) for entry in picked]

    def honour_row(self, entry: s.HonourEntry, level: str | None = None) -> dict[str, Any]:
        """A honours row for a catalogue entry, as the form stores it."""
        return {
            "code": entry.code,
            "name": entry.name,
            "level": level or entry.level,
            "category": entry.category,
            "year": self.on.year - self.rng.randint(1, 6),
            "issuer": "",
        }

    # -- texts

    def _summary(self, p: SamplePerson, trade: Trade, area: Area) -> str:
        he = "他" if p.sex == "男" else "她"
        rng = self.rng
        problems = rng.sample(trade.problems, 2)
        inventions = rng.sample(trade.inventions, 2)
        apprentices = rng.randint(8, 40)
        skilled = rng.randint(3, max(3, apprentices // 2))
        work = _work(trade, area)
        honours = "、".join(h["name"] for h in p.honours[:2])
        contest = p.contests and p.contests[0].get("rank")
        patents = f"获国家专利{len(p.patents)}项，" if p.patents else ""
        return (
            f"{SAMPLE_MARK}{p.name}同志扎根{trade.occupation}岗位{p.years_of_work}年，"
            f"现任{p.workplace_name}{p.post}，长期从事{work}工作。"
            f"{he}带领班组攻克{problems[0]}、{problems[1]}等技术难题{rng.randint(5, 30)}项，"
            f"研制“{inventions[0]}”“{inventions[1]}”，使{trade.metric}提高"
            f"{rng.randint(12, 45)}%，年创效益{rng.randint(30, 600)}万元；"
            f"{patents}总结的“{p.name[0]}氏操作法”在全公司推广，"
            f"主持编制岗位操作规程{rng.randint(3, 12)}项。"
            + (f"曾获{p.contests[0]['name']}第{p.contests[0]['rank']}名。" if contest else "")
            + (f"先后荣获{honours}等荣誉。" if honours else "")
            + f"{he}坚持传帮带，累计带徒{apprentices}名，其中{skilled}人取得技师以上职业资格。"
        )

    def _topics(self, p: SamplePerson, trade: Trade, area: Area) -> dict[str, str]:
        he = "他" if p.sex == "男" else "她"
        rng = self.rng
        invention = rng.choice(trade.inventions)
        return {
            "spirit": f"{SAMPLE_MARK}{he}{p.years_of_work}年坚守{trade.occupation}岗位，"
            f"坚持“零缺陷”标准，经{he}手的产品和工序未发生一起质量事故，"
            f"多次在急难险重任务中连续奋战，保障了生产任务按期完成。",
            "skills": f"{SAMPLE_MARK}{he}精通{_work(trade, area)}的各项技能，"
            f"练就“{rng.choice(('一摸准', '一听准', '一看准'))}”的绝活，"
            f"能够在{rng.randint(3, 15)}分钟内判断并排除常见故障，多次解决外聘专家未能解决的难题。",
            "innovation": f"{SAMPLE_MARK}{he}主持研制“{invention}”，使{trade.metric}提高"
            f"{rng.randint(10, 40)}%，年节约成本{rng.randint(20, 300)}万元；"
            f"近五年完成技术革新{rng.randint(10, 60)}项。",
            "leadership": f"{SAMPLE_MARK}{he}领衔的技能大师工作室累计培训职工"
            f"{rng.randint(200, 2000)}人次，带徒{rng.randint(8, 40)}名，"
            f"徒弟中{rng.randint(2, 10)}人在省、市职业技能竞赛中获奖。",
            "science": f"{SAMPLE_MARK}参与完成的“{invention}”项目获市级科技进步奖三等奖。",
            "other": f"{SAMPLE_MARK}{he}多次被评为{p.workplace_name}先进生产者。",
        }

    def _narrative(self, p: SamplePerson, trade: Trade, area: Area) -> str:
        he = "他" if p.sex == "男" else "她"
        rng = self.rng
        work = _work(trade, area)
        problem, invention = rng.choice(trade.problems), rng.choice(trade.inventions)
        hours = rng.randint(200, 2000)
        lines = [
            SAMPLE_MARK + "（以下内容为平台自动生成的演示文字，不代表真实人物事迹。）",
            "一、立足岗位，练就过硬本领",
            f"{p.name}，{p.birth_date.year}年出生，{p.work_start_date.year}年参加工作，"
            f"从一名普通{trade.occupation}干起，{p.years_of_work}年如一日坚守生产一线。"
            f"为练好基本功，{he}坚持每天提前一小时到岗，把每一道工序的要领记在笔记本上，"
            f"累计写下学习笔记{rng.randint(20, 60)}万字。凭着这股钻劲，{he}先后取得"
            f"{SkillLevel(p.skill_level).label if p.skill_level in SkillLevel.values else ''}"
            f"职业资格，成长为{p.workplace_name}{work}方面的技术骨干。",
            "二、攻坚克难，推动技术革新",
            f"面对{problem}这一长期困扰生产的难题，{he}带领攻关小组反复试验{hours}余小时，"
            f"设计制作了“{invention}”，问题得到根本解决，{trade.metric}提高"
            f"{rng.randint(10, 40)}%，每年为企业节约成本{rng.randint(20, 300)}万元。"
            f"近五年，{he}共完成技术革新和合理化建议{rng.randint(10, 80)}项，"
            + (
                f"其中“{p.patents[0]['name']}”获得国家专利授权。"
                if p.patents
                else "多项成果在行业内推广应用。"
            ),
            "三、传帮带徒，培育技能新人",
            f"作为技能大师工作室负责人，{he}把“手艺传下去”当作自己的责任，"
            f"编写岗位培训教材{rng.randint(2, 8)}册，开设技能讲堂{rng.randint(30, 150)}期，"
            f"带出的徒弟中有{rng.randint(2, 10)}人在省、市职业技能竞赛中获奖，"
            f"{rng.randint(3, 15)}人成长为班组长或技术骨干。",
            "四、爱岗敬业，弘扬工匠精神",
            f"{he}常说：“干一行就要爱一行、精一行。”多年来，{he}始终以精益求精的态度对待"
            f"每一个零件、每一道工序，用实际行动诠释了新时代产业工人的责任与担当。",
        ]
        return "\n".join(lines)


def _work(trade: Trade, area: Area) -> str:
    if trade.occupation == "中式烹调师":
        return f"{CUISINES.get(area.code[:2], '地方菜')}烹饪技艺的传承与创新"
    return trade.work


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --------------------------------------------------------------------------- rule shaping


def failures_for(award: s.AwardSpec) -> list[str]:
    """The :data:`FAILURES` an award's top-level hard rules make possible, in that order."""
    kinds = {type(rule) for rule in award.eligibility}
    found = []
    if s.MinSkillLevel in kinds:
        found.append("skill_level")
    if s.HonoursAnyOf in kinds or s.HonourMinLevel in kinds:
        found.append("honours")
    if s.NotRetired in kinds or any(_reads_is_retired(rule) for rule in award.eligibility):
        found.append("retired")
    if s.NotUnitLeader in kinds:
        found.append("unit_leader")
    return found


def _satisfy(
    person: SamplePerson, rules: list[Any], spec: s.CampaignSpec, gen: SampleGenerator
) -> None:
    """Adjust ``person`` so that every rule passes (or, for judged conditions, is claimed
    and awaits evidence)."""
    catalogue = {h.code: h for h in spec.honours}
    for rule in rules:
        if isinstance(rule, s.MinSkillLevel):
            if SkillLevel.rank(person.skill_level) < SkillLevel.rank(rule.level):
                person.skill_level = rule.level
        elif isinstance(rule, s.MinProfessionalTitle):
            person.professional_title = rule.level
            person.professional_title_category = (rule.categories or ["工程技术"])[0]
        elif isinstance(rule, s.HonoursAnyOf):
            have = {h["code"] for h in person.honours}
            for ref in rule.honours[: rule.min_count]:
                if ref.code not in have and ref.code in catalogue:
                    level = ref.min_level if ref.min_level else None
                    person.honours.append(gen.honour_row(catalogue[ref.code], level))
        elif isinstance(rule, s.HonourMinLevel):
            entries = [
                h
                for h in spec.honours
                if HonourLevel.rank(h.level) >= HonourLevel.rank(rule.level)
                and (not rule.categories or h.category in rule.categories)
            ]
            if entries:
                person.honours.append(gen.honour_row(entries[0]))
            else:
                person.honours.append(
                    {"code": "other", "name": "省级劳动模范", "level": rule.level,
                     "category": (rule.categories or ["model_worker"])[0],
                     "year": gen.on.year - 2, "issuer": ""}
                )  # fmt: skip
        elif isinstance(rule, s.ContestRank):
            placing = rule.placings[0]
            person.contests.append(
                {
                    "name": f"{CONTEST_NAMES.get(placing.level, '职业技能竞赛')}"
                    f"{person.occupation}项目",
                    "level": placing.level,
                    "rank": 1 if placing.max_rank else None,
                    "medal": placing.min_medal or "",
                    "year": gen.on.year - 2,
                }
            )
        elif isinstance(rule, s.NotRetired):
            person.is_retired = False
        elif isinstance(rule, s.NotUnitLeader):
            person.is_unit_leader = False
        elif isinstance(rule, s.NativeOrYearsInRegion):
            if rule.region_name not in person.native_place:
                person.years_in_region = max(person.years_in_region, rule.years)
        elif isinstance(rule, s.Judged):
            if rule.code not in person.claimed_conditions:
                person.claimed_conditions.append(rule.code)
        elif isinstance(rule, s.AnyOf):
            # Prefer a condition the system can check, so the sample passes outright.
            checkable = [i for i in rule.items if not isinstance(i, s.Judged)]
            _satisfy(person, [(checkable or rule.items)[0]], spec, gen)
        elif isinstance(rule, s.AllOf):
            _satisfy(person, rule.items, spec, gen)


def _reads_is_retired(rule: Any) -> bool:
    """An expression rule that reads the form's 是否已退休 (seed 004 二)."""
    return isinstance(rule, s.ExprRule) and "form.is_retired" in rule.expr


def _break(person: SamplePerson, award: s.AwardSpec, failure: str, catalogue: list[Any]) -> None:
    """Make ``person`` fail the award's rule of kind ``failure``."""
    for rule in award.eligibility:
        if failure == "skill_level" and isinstance(rule, s.MinSkillLevel):
            person.skill_level = SkillLevel.values[max(0, SkillLevel.rank(rule.level) - 1)]
        elif failure == "honours" and isinstance(rule, s.HonoursAnyOf | s.HonourMinLevel):
            person.honours = []
        elif failure == "retired" and (isinstance(rule, s.NotRetired) or _reads_is_retired(rule)):
            person.is_retired = True
        elif failure == "unit_leader" and isinstance(rule, s.NotUnitLeader):
            person.is_unit_leader = True
            person.post = "总经理"


__all__ = [
    "FAILURES",
    "SAMPLE_MARK",
    "SAMPLE_VIDEO_SECONDS",
    "SHORT_VIDEO_SECONDS",
    "Area",
    "SampleGenerator",
    "SamplePerson",
    "areas",
    "areas_for",
    "failures_for",
    "fit",
    "make_id_number",
    "region_prefix",
]
