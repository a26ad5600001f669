"""Video files: what a file really holds (container, duration, a decodable picture) and a
poster frame, read with PyAV (FFmpeg's libraries, a maintained binding) rather than from
the first bytes alone; and a still video for the demo and the tests.

PyAV is imported inside the functions: only uploads and the demo need it, and the web
workers should not carry FFmpeg from start-up (issue 17: start-up memory).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _


def length_text(seconds: float) -> str:
    """A video's length as people write it: 5分02秒."""
    whole = round(seconds)
    return _("%(m)d分%(s)02d秒") % {"m": whole // 60, "s": whole % 60}


class NotAVideo(ValueError):
    """The bytes are not a playable video; ``str()`` is a Chinese reason."""


@dataclass(frozen=True)
class VideoFacts:
    """What a video file holds: its container format, duration in seconds, picture size
    and codec, and a JPEG poster frame (its first picture)."""

    container: str
    seconds: float
    width: int
    height: int
    codec: str
    poster: bytes


def probe_video(data: bytes) -> VideoFacts:
    """Open ``data`` as a video and decode its first picture.

    Raises:
        NotAVideo: the container cannot be read, holds no video stream, has no duration,
            or no picture can be decoded (a 56-byte "MP4" header is refused here).
    """
    import av

    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.FFmpegError, ValueError) as exc:
        raise NotAVideo(_("文件无法作为视频打开，可能已损坏或不完整")) from exc
    with container:
        if not container.streams.video:
            raise NotAVideo(_("文件中没有视频画面"))
        stream = container.streams.video[0]
        if container.duration is not None:
            seconds = container.duration / av.time_base
        elif stream.duration is not None and stream.time_base is not None:
            seconds = float(stream.duration * stream.time_base)
        else:
            raise NotAVideo(_("无法读出视频时长，文件可能不完整"))
        try:
            frame = next(container.decode(video=0))
        except (av.FFmpegError, StopIteration, ValueError) as exc:
            raise NotAVideo(_("视频画面无法解码，文件可能已损坏")) from exc
        poster = io.BytesIO()
        image = frame.to_image()
        image.thumbnail((640, 640))
        image.save(poster, format="JPEG", quality=80)
        return VideoFacts(
            container=container.format.name,
            seconds=seconds,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            codec=stream.codec_context.name,
            poster=poster.getvalue(),
        )


def still_video(seconds: int, *, size: int = 32) -> bytes:
    """An MP4 of ``seconds`` seconds showing one grey picture, one frame a second (a few
    kilobytes): the demo's sample video and the tests' uploads."""
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=1)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        frame = av.VideoFrame(size, size, "yuv420p")
        for plane in frame.planes:
            plane.update(bytes([128]) * plane.buffer_size)
        for second in range(seconds):
            frame.pts = second
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()
