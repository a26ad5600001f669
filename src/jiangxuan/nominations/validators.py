"""Field validators for nominations: ID numbers, phones, bank accounts, evidence files.

Every error message is Chinese and says what to fix.
"""

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from jiangxuan.core.media import NotAVideo, VideoFacts, length_text, probe_video

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
BANK_RE = re.compile(r"^\d{10,30}$")


#: The province-level codes of GB/T 2260 (the first two digits of every resident ID
#: number), with 81/82/83 of the residence permits of Hong Kong, Macao and Taiwan residents.
#: Province codes have not changed since 1988 (海南 46, 重庆 50 in 1997 kept their codes).
PROVINCE_CODES = frozenset(
    str(code)
    for first, last in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71))
    for code in range(first, last + 1)
) | {"81", "82", "83"}


def validate_id_number(value: str) -> str:
    """Validate a resident ID number (GB 11643): 18 characters, the check digit, a real
    birth date not in the future, and a province code.

    The county part of the area code is *not* checked here: codes are retired and created
    over the years, and a card keeps the code of the year it was issued, so a real number
    may carry a code python-stdnum's table does not list for the birth year. That is a
    warning the reviewer sees (:func:`id_area_warning`), never a refusal (issue 16,
    "a real ID number is never refused").

    Returns the compact form (upper-case X). Raises ValidationError in Chinese.
    """
    text = "".join(value.split()).upper()
    if len(text) != 18:
        raise ValidationError(_("身份证号码应为18位，当前为%(n)d位。") % {"n": len(text)})
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise ValidationError(_("身份证号码格式不正确，应为17位数字加1位数字或X。"))
    if text[17] != ric.calc_check_digit(text):
        raise ValidationError(_("身份证号码校验位不正确，请核对最后一位。"))
    try:
        birth = ric.get_birth_date(text)
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_("身份证号码中的出生日期（第7至14位）无效，请核对。")) from exc
    if birth > dt.date.today():
        raise ValidationError(_("身份证号码中的出生日期（第7至14位）晚于今天，请核对。"))
    if text[:2] not in PROVINCE_CODES:
        raise ValidationError(_("身份证号码的前两位不是有效的省级行政区划代码，请核对。"))
    return text


def id_area_warning(value: str) -> str:
    """What a reviewer should check about a valid ID number's area code (Chinese), or "":
    the first six digits are in no version of the administrative division codes that
    python-stdnum knows for the holder's birth year (a county retired or created since).
    ``value`` must have passed :func:`validate_id_number`."""
    try:
        ric.get_birth_place(value)
    except (stdnum_errors.ValidationError, KeyError):
        # KeyError: the table knows the prefecture but lists no county under it.
        return _(
            "身份证号码的地区码 %(code)s 不在出生年份的行政区划代码表中（可能是后来撤销、"
            "合并或新设的县区），号码其余部分有效；请核对身份证原件。"
        ) % {"code": value[:6]}
    return ""


def id_number_facts(value: str) -> tuple[dt.date, str]:
    """Birth date and sex ("男"/"女", from the 17th digit) of a valid ID number."""
    return ric.get_birth_date(value), "男" if int(value[16]) % 2 else "女"


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years of age on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def validate_mobile(value: str) -> str:
    """A mainland mobile number, 11 digits starting with 1[3-9]; returns it compacted."""
    text = re.sub(r"[\s-]", "", value)
    if text.startswith("+86"):
        text = text[3:]
    if not MOBILE_RE.match(text):
        raise ValidationError(_("手机号码应为以1开头的11位数字。"))
    return text


def validate_landline(value: str) -> str:
    """A landline with area code, e.g. 0431-88522559."""
    text = value.strip().replace(" ", "")
    if not LANDLINE_RE.match(text):
        raise ValidationError(_("座机号码应带区号，如 0431-88522559。"))
    return text


def validate_bank_account(value: str) -> str:
    """A bank account number: 10 to 30 digits (spaces allowed when typing)."""
    text = re.sub(r"\s", "", value)
    if not BANK_RE.match(text):
        raise ValidationError(_("银行账号应为10至30位数字。"))
    return text


# --------------------------------------------------------------------------- uploads

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG"}
DOCUMENT_TYPES = {"application/pdf"}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
VIDEO_TYPES = {"video/mp4", "video/quicktime"}
MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024
MARKUP_RE = re.compile(rb"<\s*(html|script|svg|iframe|body|!doctype)", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedFile:
    """An accepted upload: sniffed type, bytes to store (images re-encoded), extension,
    and for a video its duration in seconds and a JPEG poster frame (None otherwise)."""

    content_type: str
    data: bytes
    extension: str
    seconds: float | None = None
    poster: bytes | None = None


def _read_capped(upload, cap: int) -> bytes:
    if upload.size is not None and upload.size > cap:
        raise ValidationError(
            _("文件过大（%(size).1f MB），上限为 %(cap).0f MB。")
            % {"size": upload.size / 1048576, "cap": cap / 1048576}
        )
    data = upload.read(cap + 1)
    if len(data) > cap:
        raise ValidationError(_("文件过大，上限为 %(cap).0f MB。") % {"cap": cap / 1048576})
    return data


def _reencode_image(data: bytes, fmt: str) -> bytes:
    # Pillow is loaded with the first picture, not when a worker starts (issue 17.5).
    from PIL import Image, UnidentifiedImageError

    cap = settings.JX_IMAGE_MAX_PIXELS
    try:
        # Image.open reads the header only; the size is checked before any pixel is decoded.
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > cap:
                raise ValidationError(
                    _(
                        "图片像素过多（%(w)d×%(h)d，约 %(mp)d 万像素），上限为 %(cap)d 万像素，"
                        "请缩小尺寸后再上传。"
                    )
                    % {
                        "w": width,
                        "h": height,
                        "mp": width * height // 10_000,
                        "cap": cap // 10_000,
                    }
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            out = io.BytesIO()
            # Saving a fresh copy drops EXIF (GPS, device) and any bytes appended after the
            # image data, such as an HTML payload of a polyglot file.
            image: Image.Image = opened
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(out, format=fmt)
            return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own limit (far above ours) refuses before the size can be read.
        raise ValidationError(
            _("图片像素过多，上限为 %(cap)d 万像素，请缩小尺寸后再上传。") % {"cap": cap // 10_000}
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(_("图片文件已损坏或不是真正的图片，请重新导出后上传。")) from exc


def _check_docx(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ValidationError(_("这不是有效的 Word 文档（.docx），请用 Word 另存后上传。")) from exc
    if "word/document.xml" not in names:
        raise ValidationError(_("这不是有效的 Word 文档（.docx），请用 Word 另存后上传。"))
    if total > MAX_DOCX_UNCOMPRESSED:
        raise ValidationError(_("Word 文档解压后过大，请删减图片后上传。"))


def _check_video(data: bytes, min_seconds: int | None, max_seconds: int | None) -> VideoFacts:
    """The duration of a playable video within the bounds the specification gives (seed
    003 四(三): 5分钟左右的事迹介绍视频): its facts (duration, poster frame);
    ValidationError in Chinese otherwise."""
    try:
        facts = probe_video(data)
    except NotAVideo as exc:
        raise ValidationError(
            _("视频无法播放：%(reason)s。请重新导出后上传。") % {"reason": exc}
        ) from exc
    if min_seconds and facts.seconds < min_seconds:
        raise ValidationError(
            _("视频时长为%(length)s，短于要求的%(min)s。")
            % {"length": length_text(facts.seconds), "min": length_text(min_seconds)}
        )
    if max_seconds and facts.seconds > max_seconds:
        raise ValidationError(
            _("视频时长为%(length)s，长于要求的%(max)s。")
            % {"length": length_text(facts.seconds), "max": length_text(max_seconds)}
        )
    return facts


def check_upload(
    upload,
    *,
    video: bool = False,
    min_seconds: int | None = None,
    max_seconds: int | None = None,
) -> CheckedFile:
    """Sniff and check an uploaded evidence file.

    Accepts JPEG/PNG images (re-encoded without metadata), PDF and DOCX; when ``video`` is
    true, MP4/MOV only: a video must open, hold a decodable picture and last between
    ``min_seconds`` and ``max_seconds`` (core.media.probe_video; ``seconds`` and
    ``poster`` of the result are its duration and first picture). The browser's type and
    the file name are ignored: the bytes decide (docs/security.md checks 15-16; ASVS 5.2.2).

    Raises:
        ValidationError: in Chinese, saying what is wrong with the file.
    """
    cap = settings.JX_VIDEO_MAX_BYTES if video else settings.JX_EVIDENCE_MAX_BYTES
    data = _read_capped(upload, cap)
    if not data:
        raise ValidationError(_("文件是空的。"))
    kind = filetype.guess(data)
    mime = kind.mime if kind else ""
    # The video item takes a video only: a picture is not the 事迹介绍视频 (seed 003 四(三)).
    if video:
        if mime in VIDEO_TYPES:
            facts = _check_video(data, min_seconds, max_seconds)
            return CheckedFile(mime, data, kind.extension, facts.seconds, facts.poster)
        raise ValidationError(_("视频须为 MP4 或 MOV 格式。"))
    if mime in IMAGE_TYPES:
        return CheckedFile(mime, _reencode_image(data, IMAGE_TYPES[mime]), kind.extension)
    if mime in DOCUMENT_TYPES:
        if MARKUP_RE.search(data[:4096]):
            raise ValidationError(_("PDF 文件内容异常，请重新导出后上传。"))
        return CheckedFile(mime, data, "pdf")
    if mime in (DOCX_TYPE, "application/zip"):
        _check_docx(data)
        return CheckedFile(DOCX_TYPE, data, "docx")
    raise ValidationError(_("只接受 JPG、PNG 图片、PDF 或 Word（.docx）文件。"))
