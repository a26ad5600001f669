"""The required video is a real video of the length the notice asks for (seed 003 四(三):
5分钟左右的事迹介绍视频; issue 13): a 56-byte file with an MP4 header, a damaged file, a
one-minute clip and a picture are refused with the reason; a playable five-minute video is
accepted and its length is shown to reviewers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.spec import SpecError, parse_spec
from jiangxuan.conftest import seed_spec_path
from jiangxuan.core.media import still_video
from jiangxuan.nominations import services
from jiangxuan.nominations.models import Evidence
from jiangxuan.nominations.tests.conftest import png_bytes
from jiangxuan.nominations.workflow import NominationError

pytestmark = pytest.mark.django_db

HEADER_ONLY = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 32


@pytest.fixture
def weihai_draft(seed_campaign, make_user):
    campaign = seed_campaign("003")
    clerk = make_user("wh-huancui-fishing-gear", Role.CLERK)
    draft = services.create_nomination(campaign=campaign, award=campaign.awards.get(), actor=clerk)
    return draft, clerk


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("事迹介绍.mp4", data, "video/mp4")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (HEADER_ONLY, "视频无法播放：文件无法作为视频打开"),
        (still_video(300)[:2000], "视频无法播放"),
        (still_video(60), "视频时长为1分00秒，短于要求的3分00秒。"),
        (still_video(600), "视频时长为10分00秒，长于要求的8分00秒。"),
        # A picture is no video, though pictures are fine evidence elsewhere.
        (png_bytes(), "视频须为 MP4 或 MOV 格式。"),
    ],
)
def test_a_video_that_is_not_what_the_notice_asks_is_refused(weihai_draft, data, reason):
    draft, clerk = weihai_draft

    with pytest.raises(NominationError) as refused:
        services.add_evidence(draft, actor=clerk, material="video", upload=upload(data))

    assert reason in refused.value.message
    assert refused.value.field == "file"
    assert not Evidence.objects.exists()


def test_a_five_minute_video_is_kept_with_its_length_shown(weihai_draft, client):
    draft, clerk = weihai_draft

    evidence = services.add_evidence(
        draft, actor=clerk, material="video", upload=upload(still_video(302))
    )

    assert evidence.duration_seconds == pytest.approx(302, abs=1)
    client.force_login(clerk)
    page = client.get(reverse("nominations:edit", args=[draft.pk])).content.decode()
    assert "时长 5分02秒" in page
    poster_url = reverse("nominations:evidence_poster", args=[draft.pk, evidence.pk])
    assert poster_url in page
    poster = client.get(poster_url)
    assert poster["Content-Type"] == "image/jpeg"
    assert b"".join(poster.streaming_content)[:2] == b"\xff\xd8"


def test_a_videos_poster_is_only_for_those_who_see_the_nomination(weihai_draft, client, make_user):
    draft, clerk = weihai_draft
    evidence = services.add_evidence(
        draft, actor=clerk, material="video", upload=upload(still_video(300))
    )
    client.force_login(make_user("cc-chaoyang-hrss", Role.CLERK))

    response = client.get(reverse("nominations:evidence_poster", args=[draft.pk, evidence.pk]))

    assert response.status_code == 404


def test_video_lengths_belong_to_video_fields_in_order():
    text = seed_spec_path("003").read_text(encoding="utf-8")
    swapped = text.replace(
        "min_seconds: 180, max_seconds: 480", "min_seconds: 480, max_seconds: 180"
    )
    on_text = text.replace(
        "- {key: name, label: 姓名, required: true}",
        "- {key: name, label: 姓名, required: true, min_seconds: 60}",
    )

    for broken, problem in [
        (swapped, "min_seconds 不得大于 max_seconds"),
        (on_text, "只有视频字段（type: video）可以写 min_seconds、max_seconds"),
    ]:
        with pytest.raises(SpecError) as refused:
            parse_spec(broken, "x.yaml")
        assert any(problem in m for m in refused.value.messages)
