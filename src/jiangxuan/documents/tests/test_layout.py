import pytest

from jiangxuan.documents.layout import form_rows, opinion_labels, reference_date, summary_column

pytestmark = pytest.mark.django_db


def cells_of(layout, kind=None):
    return [cell for row in layout.rows for cell in row if kind is None or cell.kind == kind]


def test_form_rows_rows_fill_the_grid(make_nomination):
    nomination = make_nomination()

    layout = form_rows(nomination, unmasked=False)

    spans = [0] * (len(layout.rows) + 8)
    for r, row in enumerate(layout.rows):
        for cell in row:
            for below in range(r, r + cell.rowspan):
                spans[below] += cell.colspan
    assert spans[: len(layout.rows)] == [layout.grid] * len(layout.rows)


def test_form_rows_labels_follow_spec_order(make_nomination, campaign):
    nomination = make_nomination()
    expected = []
    for form_field in campaign.specification.form.all_fields():
        expected += [form_field.label, *(sub.label for sub in form_field.fields)]

    labels = [
        c.text
        for c in cells_of(form_rows(nomination, unmasked=False))
        if c.kind in ("label", "photo")
    ]

    assert [text for text in labels if text in expected] == expected


def test_form_rows_choice_shows_every_option_with_checkbox(make_nomination):
    nomination = make_nomination(skill_level="technician", sex="女")

    texts = [c.text for c in cells_of(form_rows(nomination, unmasked=False), "value")]

    assert "□高级技师  ☑技师  □高级工" in texts
    assert "□男  ☑女" in texts
    assert "☑长春技能大奖  □长春技术能手" in texts


def test_form_rows_masks_personal_data_unless_unmasked(make_nomination):
    nomination = make_nomination(id_number="220104198503152030", phone="13912345678")

    masked = [c.text for c in cells_of(form_rows(nomination, unmasked=False), "value")]
    unmasked = [c.text for c in cells_of(form_rows(nomination, unmasked=True), "value")]

    assert "220***********2030" in masked
    assert "139****5678" in masked
    assert "**** **** 8901" in masked
    assert "220104198503152030" not in masked
    full = ["220104198503152030", "6228480012345678901", "13912345678"]  # form order
    assert [t for t in unmasked if t in full] == full


def test_form_rows_lists_and_groups_show_their_rows(make_nomination):
    nomination = make_nomination()

    texts = [c.text for c in cells_of(form_rows(nomination, unmasked=False))]

    assert texts[texts.index("起止时间") : texts.index("起止时间") + 9] == [
        "起止时间",
        "在何单位学习、工作",
        "证明人",
        "1999.07-2005.06",
        "长春第一机床厂",
        "李明",
        "2005.07至今",
        "长春华锐精密机械有限公司",
        "张华",
    ]
    assert "省级一类职业技能竞赛" in texts  # contest level code shown as its label
    assert texts[texts.index("带徒传技") : texts.index("带徒传技") + 5] == [
        "带徒传技",
        "带徒人数",
        "12",
        "其中高级工以上",
        "7",
    ]


def test_form_rows_one_empty_seal_box_per_label(make_nomination, campaign):
    nomination = make_nomination()

    layout = form_rows(nomination, unmasked=False)

    labels = opinion_labels(campaign.specification)
    assert labels == [
        "各有关部门、单位意见",
        "本人所在单位推荐意见",
        "县级人社部门推荐意见",
        "市级人社部门推荐意见",
        "市政府审批意见",  # government approval boxes after the chain (seed 000 附件2)
    ]
    assert [row[0].text for row in layout.rows[-len(labels) :]] == labels
    seals = [row[1] for row in layout.rows[-len(labels) :]]
    assert [s.kind for s in seals] == ["seal"] * 5
    assert [s.text.split() for s in seals] == [
        ["（盖章）"],
        ["（盖章）"],
        ["（盖章）", "（盖章）"],  # one label, two signers (人社 and 工会)
        ["（盖章）"],
        ["（盖章）"],
    ]
    assert seals[2].date_line.split() == ["年", "月", "日", "年", "月", "日"]


def test_form_rows_photo_box_empty_without_photo(make_nomination):
    nomination = make_nomination()

    (photo,) = cells_of(form_rows(nomination, unmasked=False), "photo")

    assert (photo.text, photo.image, photo.rowspan) == ("照片", None, 4)


def test_form_rows_photo_box_embeds_photo_evidence(make_nomination, add_photo):
    nomination = make_nomination()
    data = add_photo(nomination)

    (photo,) = cells_of(form_rows(nomination, unmasked=False), "photo")

    assert photo.image == data
    assert photo.image_data_uri.startswith("data:image/png;base64,")


def test_form_rows_photo_box_empty_when_file_lost(make_nomination, add_photo):
    nomination = make_nomination()
    add_photo(nomination)
    evidence = nomination.evidence.get()
    evidence.file.storage.delete(evidence.file.name)

    (photo,) = cells_of(form_rows(nomination, unmasked=False), "photo")

    assert photo.image is None


def test_summary_column_computed_keys(make_nomination, campaign):
    nomination = make_nomination(professional_title="intermediate")
    spec = campaign.specification

    values = {
        key: summary_column(spec, key)(nomination, 3, False)
        for key in ("seq", "rank", "award", "age", "skill_level_label", "nominating_unit")
    }

    assert reference_date(spec).isoformat() == "2022-07-15"
    assert values == {
        "seq": 3,
        "rank": 1,
        "award": "长春技能大奖",
        "age": 37,
        "skill_level_label": "技师（二级）、中级职称",
        "nominating_unit": "长春市朝阳区人力资源和社会保障局",
    }
