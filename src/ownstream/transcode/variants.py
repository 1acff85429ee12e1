"""Output variants: the stored shape (Owncast's JSON names), display names and ordering (reference §6.1)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

DEFAULT_VIDEO_BITRATE = 1200
DEFAULT_FRAMERATE = 24


class StreamVariant(BaseModel):
    """One HLS rendition as configured. Field names and meaning follow Owncast's `StreamOutputVariant`."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    name: StrictStr = ""
    video_passthrough: StrictBool = Field(default=False, alias="videoPassthrough")
    audio_passthrough: StrictBool = Field(default=False, alias="audioPassthrough")
    video_bitrate: StrictInt = Field(default=DEFAULT_VIDEO_BITRATE, alias="videoBitrate", ge=0, le=100_000)
    audio_bitrate: StrictInt = Field(default=0, alias="audioBitrate", ge=0, le=1_000)
    scaled_width: StrictInt = Field(default=0, alias="scaledWidth", ge=0, le=8192)
    scaled_height: StrictInt = Field(default=0, alias="scaledHeight", ge=0, le=8192)
    framerate: StrictInt = Field(default=DEFAULT_FRAMERATE, ge=0, le=240)
    cpu_usage_level: StrictInt = Field(default=2, alias="cpuUsageLevel", ge=0, le=5)

    @property
    def effective_video_bitrate(self) -> int:
        return self.video_bitrate or DEFAULT_VIDEO_BITRATE

    @property
    def effective_framerate(self) -> int:
        return self.framerate or DEFAULT_FRAMERATE

    @property
    def copies_audio(self) -> bool:
        """Audio passthrough is forced when no audio bitrate is set."""
        return self.audio_passthrough or self.audio_bitrate == 0

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.video_passthrough:
            return "Source"
        fps = self.effective_framerate
        if self.scaled_width == 1080 and self.scaled_height == 720:
            return f"720p @{fps}"
        if self.scaled_width == 1920 and self.scaled_height == 1080:
            return f"1080p @{fps}"
        if self.scaled_height:
            return f"{self.scaled_height}h"
        if self.scaled_width:
            return f"{self.scaled_width}w"
        return f"{format_bitrate(self.effective_video_bitrate)}@{fps}fps"

    def to_owncast(self) -> dict[str, object]:
        """The variant as `/api/admin/serverconfig` reports it."""
        out: dict[str, object] = {
            "name": self.display_name,
            "videoPassthrough": self.video_passthrough,
            "audioPassthrough": self.copies_audio,
            "videoBitrate": self.video_bitrate,
            "audioBitrate": self.audio_bitrate,
            "framerate": 0 if self.video_passthrough else self.effective_framerate,
            "cpuUsageLevel": self.cpu_usage_level,
        }
        if self.scaled_width:
            out["scaledWidth"] = self.scaled_width
        if self.scaled_height:
            out["scaledHeight"] = self.scaled_height
        return out

    def to_stored(self) -> dict[str, object]:
        return self.model_dump(by_alias=True)


DEFAULT_VARIANTS: tuple[StreamVariant, ...] = (
    StreamVariant(audioPassthrough=True, videoBitrate=1200, framerate=24, cpuUsageLevel=2),
)


def format_bitrate(kbps: int) -> str:
    if kbps < 1000:
        return f"{kbps}Kbps"
    if kbps % 1000 == 0:
        return f"{kbps // 1000}Mbps"
    return f"{kbps / 1000:.1f}Mbps"


def variants_for_menu(variants: list[StreamVariant] | tuple[StreamVariant, ...]) -> list[dict[str, object]]:
    """`/api/video/variants`: passthrough first, then by video bitrate, highest first.

    `index` is the variant's position in the configuration.
    """
    indexed = list(enumerate(variants))
    indexed.sort(key=lambda item: (not item[1].video_passthrough, -item[1].effective_video_bitrate))
    return [{"index": index, "name": variant.display_name} for index, variant in indexed]


def best_variant_index(variants: list[StreamVariant] | tuple[StreamVariant, ...]) -> int:
    """The highest-quality variant (passthrough if any, else highest bitrate): it feeds thumbnails."""
    if not variants:
        return 0
    return variants_for_menu(variants)[0]["index"]  # type: ignore[return-value]
