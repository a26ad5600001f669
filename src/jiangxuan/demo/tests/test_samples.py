"""Sample people: valid ID numbers, consistent facts, reproducible, shaped for awards."""

import dataclasses
import datetime as dt

import pytest
from stdnum import luhn
from stdnum.cn import ric

from jiangxuan.campaigns.spec import chars
from jiangxuan.demo.samples import (
    GIVEN_NAMES,
    SAMPLE_MARK,
    SampleGenerator,
    areas_for,
    failures_for,
    fit,
    make_id_number,
)
from jiangxuan.nominations import services, validators
from jiangxuan.nominations.tests.factories import NominationFactory

ON = dt.date(2026, 11, 23)
PREFIXES = ("2201", "22", "2301", "3710", "4108", "")


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def test_samples_id_numbers_valid_for_200_people():
    gen = SampleGenerator(11, on=ON)

    people = [gen.person(division_prefix=PREFIXES[i % len(PREFIXES)]) for i in range(200)]

    assert sum(ric.is_valid(p.id_number) for p in people) == 200
    assert len({p.id_number for p in people}) == 200


def test_samples_id_number_matches_sex_birth_date_and_age():
    gen = SampleGenerator(12, on=ON)

    for _ in range(200):
        p = gen.person(division_prefix="2201")
        assert ("男" if int(p.id_number[16]) % 2 else "女") == p.sex
        assert ric.get_birth_date(p.id_number) == p.birth_date
        assert 25 <= _age(p.birth_date, ON) <= 58
        assert validators.id_number_facts(p.id_number) == (p.birth_date, p.sex)


def test_samples_deterministic_for_a_seed():
    gen_a, gen_b = SampleGenerator(5, on=ON), SampleGenerator(5, on=ON)

    people_a = [dataclasses.asdict(gen_a.person(division_prefix="22")) for _ in range(10)]
    people_b = [dataclasses.asdict(gen_b.person(division_prefix="22")) for _ in range(10)]
    other = dataclasses.asdict(SampleGenerator(6, on=ON).person(division_prefix="22"))

    assert people_a == people_b
    assert other["id_number"] != people_a[0]["id_number"]


def test_samples_region_gives_native_place_and_area_code():
    gen = SampleGenerator(13, on=ON)

    p = gen.person(division_prefix="2201")

    assert p.id_number.startswith("2201")
    assert p.native_place == "吉林省长春市"
    assert p.landline.startswith("0431-")
    assert p.postal_code.startswith("1300")


def test_samples_contact_numbers_are_valid():
    gen = SampleGenerator(14, on=ON)

    for _ in range(50):
        p = gen.person()
        assert validators.validate_mobile(p.phone) == p.phone
        assert validators.validate_bank_account(p.bank_account) == p.bank_account
        assert luhn.is_valid(p.bank_account)
        assert validators.validate_landline(p.landline) == p.landline


def test_samples_name_matches_sex_and_texts_are_marked():
    gen = SampleGenerator(15, on=ON)

    for _ in range(50):
        p = gen.person()
        assert p.name[-2:] in GIVEN_NAMES[p.sex] or p.name[-1:] in GIVEN_NAMES[p.sex]
        assert p.achievement_summary.startswith(SAMPLE_MARK)
        assert p.achievement_narrative.startswith(SAMPLE_MARK)
        assert 150 <= chars(p.achievement_summary) <= 300
        assert chars(p.achievement_narrative) > chars(p.achievement_summary)


def test_make_id_number_sets_sex_digit_and_check_digit():
    number = make_id_number("220104", dt.date(1985, 3, 15), 123)

    assert number[:17] == "22010419850315123"
    assert ric.is_valid(number)


def test_areas_for_excludes_codes_not_in_use_that_year():
    codes_1990 = {a.code for a in areas_for("2201", 1990)}
    codes_2020 = {a.code for a in areas_for("2201", 2020)}

    assert "220181" in codes_1990  # 九台市 1989-2014
    assert "220181" not in codes_2020
    assert "220113" in codes_2020  # 九台区 since 2014
    assert "220101" not in codes_2020  # 市辖区 is nobody's birthplace


def test_fit_cuts_at_sentence_end():
    text = "第一句话。第二句话比较长一些。第三句。"

    assert fit(text, 100) == text
    assert fit(text, 15) == "第一句话。第二句话比较长一些。"
    assert fit(text, 14) == "第一句话。"
    assert fit("没有句号的长文字", 4) == "没有句号"


def test_samples_occupation_fits_the_workplace():
    gen = SampleGenerator(16, on=ON)

    occupations = {
        gen.person(workplace_name="中国第一汽车集团有限公司").occupation for _ in range(20)
    }

    assert occupations <= {"汽车装调工", "焊接机器人操作工", "数控车床操作工"}
    assert gen.person(occupation="砌筑工").industry == "建筑业"
    with pytest.raises(ValueError, match="unknown occupation"):
        gen.person(occupation="宇航员")


def test_person_unknown_failure_raises():
    with pytest.raises(ValueError, match="unknown failure"):
        SampleGenerator(1).person(failure="too_tall")


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_samples_meet_or_fail_each_seed_award(seed_campaign, number):
    """A sample shaped for an award passes its hard rules (or awaits evidence); one shaped
    to fail does fail, on the rule named."""
    campaign = seed_campaign(number)
    form_keys = {f.key for f in campaign.specification.form.all_fields()}
    for award in campaign.awards.all():
        good = NominationFactory(campaign=campaign, award=award)
        assert services.evaluate_eligibility(good) != "failed", good.eligibility
        modes = failures_for(award.spec)
        for failure in modes:
            field = {"retired": "is_retired", "unit_leader": "is_unit_leader"}.get(failure, failure)
            if field not in form_keys:
                continue
            bad = NominationFactory(campaign=campaign, award=award, failure=failure)
            assert services.evaluate_eligibility(bad) == "failed", (failure, bad.eligibility)


def test_values_for_fits_character_limits_and_names_the_award(seed_campaign):
    campaign = seed_campaign("001")
    spec = campaign.specification
    award = campaign.awards.get(code="jishu-nengshou")
    person = SampleGenerator(3, on=ON).person(
        division_prefix="2201", campaign_spec=spec, award=spec.award(award.code)
    )

    core, extra = person.values_for(spec, award_name=award.name)

    assert chars(core["achievement_summary"]) <= 300
    assert extra["award_category"] == "长春技术能手"
    assert set(core) <= {f.key for f in spec.form.all_fields()} | {"claimed_conditions"}
    assert core["id_number"] == person.id_number
    assert extra["technical_innovation"]["content"].startswith(SAMPLE_MARK)


def test_nomination_factory_fills_valid_core_fields_and_keeps_overrides(seed_campaign):
    campaign = seed_campaign("001")

    nomination = NominationFactory(campaign=campaign, name="王建国")
    built = NominationFactory.build(campaign=campaign, sample_seed=99)

    assert nomination.name == "王建国"
    assert nomination.state == "draft"
    assert nomination.award.code == "jineng-dajiang"
    assert ric.is_valid(nomination.id_number)
    assert nomination.id_index  # the blind index follows the ID number
    assert nomination.extra["award_category"] == "长春技能大奖"
    assert built.pk is None
    assert ric.is_valid(built.id_number)
    assert built.id_number == NominationFactory.build(campaign=campaign, sample_seed=99).id_number
