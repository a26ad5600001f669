"""checkcampaign, loadcampaign and loadorgs."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiangxuan.accounts.models import OrgUnit
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.models import Award, Campaign
from jiangxuan.conftest import ORG_FILES, SEED_NUMBERS, seed_spec_path
from jiangxuan.core.models import AuditEntry


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_checkcampaign_accepts_every_seed_file():
    paths = [str(seed_spec_path(n)) for n in SEED_NUMBERS]
    out, err = _run("checkcampaign", *paths)
    assert out.splitlines()[0] == f"检查通过 {paths[0]}：第四届吉林工匠评选表彰"
    assert [line.split("：")[0] for line in out.splitlines()] == [f"检查通过 {p}" for p in paths]
    assert err == ""


def test_checkcampaign_reports_errors_with_path_and_exits_1(tmp_path):
    broken = tmp_path / "broken.yaml"
    text = seed_spec_path("002").read_text(encoding="utf-8")
    broken.write_text(
        text.replace("count: 20 ", "count: 二十 ").replace("scope:", "scop:"), "utf-8"
    )
    good = str(seed_spec_path("004"))
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as excinfo:
        call_command("checkcampaign", good, str(broken), stdout=out, stderr=err)
    assert excinfo.value.code == 1
    assert out.getvalue().startswith(f"检查通过 {good}：")
    assert sorted(err.getvalue().splitlines()) == sorted(
        [
            f"{broken}: 第 37 行 awards[0].count：应为整数",
            f"{broken}: 第 5 行 scope：缺少必填项",
            f"{broken}: 第 28 行 scop：不认识的字段（拼写错误？）",
        ]
    )


@pytest.mark.django_db
def test_loadorgs_command_loads_every_file():
    out, _ = _run("loadorgs", *map(str, ORG_FILES))
    assert [line.split("：")[0] for line in out.splitlines()] == [
        f"已导入 {path}" for path in ORG_FILES
    ]
    assert all(line.endswith("个单位") for line in out.splitlines())
    assert (
        OrgUnit.objects.filter(code__in=["jilin", "henan", "shandong", "heilongjiang"]).count() == 4
    )


@pytest.mark.django_db
def test_loadcampaign_is_idempotent(orgs):
    path = str(seed_spec_path("001"))
    out, _ = _run("loadcampaign", path, "--publish")
    assert out.strip() == f"已导入 {path}：第三届长春技能大奖和长春技术能手评选（已发布）"
    campaign = Campaign.objects.get()
    awards = list(Award.objects.values_list("id", "code", "position"))
    audits = AuditEntry.objects.filter(action="campaign.load").count()
    _run("loadcampaign", path)
    assert Campaign.objects.get().pk == campaign.pk
    assert Campaign.objects.get().state == CampaignState.PUBLISHED
    assert list(Award.objects.values_list("id", "code", "position")) == awards
    assert AuditEntry.objects.filter(action="campaign.load").count() == audits == 1


@pytest.mark.django_db
def test_loadcampaign_reports_invalid_file(orgs, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("code: x\n", encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        _run("loadcampaign", str(broken))
    assert f"{broken}: 第 1 行 title：缺少必填项" in str(excinfo.value)
    assert not Campaign.objects.exists()
