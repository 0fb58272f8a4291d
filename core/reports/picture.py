"""The weekly summary as a PNG: four cards (load, SLA met, CSAT, deflection), each with last
week's figure, the week before, the change and a pair of bars. Drawn with Pillow; labels in the
room's language when a font with its letters is installed (DejaVu Sans), else in English."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

from PIL import Image, ImageDraw, ImageFont

from core.i18n import N_, gettext
from core.reports.weekly import WeekFigures

WIDTH, HEIGHT = 1200, 630
BACKGROUND, INK, MUTED = (246, 247, 249), (29, 35, 48), (93, 101, 115)
NOW_COLOUR, BEFORE_COLOUR = (31, 111, 178), (190, 198, 210)
UP, DOWN = (58, 154, 91), (184, 69, 90)
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)
Font: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font(size: int) -> tuple[Font, bool]:
    """A font of ``size`` px and whether it has Cyrillic letters."""
    for path in FONT_PATHS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size), True
    return ImageFont.load_default(size=size), False


def week_picture(this: WeekFigures, before: WeekFigures, *, language: str = "en") -> bytes:
    """PNG bytes, WIDTH × HEIGHT."""
    big, wide = _font(64)
    title = _font(34)[0]
    text = _font(24)[0]
    small = _font(20)[0]
    shown = language if wide else "en"

    def _(message: str, **values: object) -> str:
        return gettext(shown, message, **values)

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 96), fill=(31, 58, 95))
    draw.text(
        (40, 26),
        _(
            "Help desk, week {week}: {first} – {last}",
            week=this.label,
            first=this.first,
            last=this.last,
        ),
        font=title,
        fill=(255, 255, 255),
    )
    cards: list[tuple[str, float | None, float | None, Callable[[float], str], str]] = [
        (
            N_("Tickets created"),
            this.created,
            before.created,
            _count,
            _("resolved: {n}", n=this.resolved),
        ),
        (
            N_("SLA response met"),
            this.response_met,
            before.response_met,
            _percent,
            _("resolution: {share}", share=_maybe(this.resolution_met, _percent)),
        ),
        (N_("CSAT (1–5)"), this.csat, before.csat, _score, _("ratings: {n}", n=this.rated)),
        (
            N_("Deflection"),
            this.deflection,
            before.deflection,
            _percent,
            _("questions: {n}", n=this.asked),
        ),
    ]
    card_w = (WIDTH - 40 * 2 - 24 * 3) // 4
    for index, (label, now, then, show, extra) in enumerate(cards):
        left = 40 + index * (card_w + 24)
        draw.rounded_rectangle(
            (left, 130, left + card_w, HEIGHT - 40),
            14,
            fill=(255, 255, 255),
            outline=(217, 221, 228),
        )
        draw.text((left + 20, 150), _(label), font=text, fill=MUTED)
        draw.text((left + 20, 188), _maybe(now, show), font=big, fill=INK)
        draw.text(
            (left + 20, 268),
            _("week before: {value}", value=_maybe(then, show)),
            font=small,
            fill=MUTED,
        )
        if now is not None and then is not None and now != then:
            rising = now > then
            change = f"{'▲' if rising else '▼'} {show(abs(now - then))}"
            draw.text((left + 20, 298), change, font=small, fill=UP if rising else DOWN)
        draw.text((left + 20, 330), extra, font=small, fill=MUTED)
        _bars(draw, left + 20, HEIGHT - 60, card_w - 40, 170, then, now)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _bars(
    draw: ImageDraw.ImageDraw,
    left: int,
    bottom: int,
    width: int,
    height: int,
    before: float | None,
    now: float | None,
) -> None:
    top = max(before or 0.0, now or 0.0) or 1.0
    bar = (width - 20) // 2
    for slot, (value, colour) in enumerate(((before, BEFORE_COLOUR), (now, NOW_COLOUR))):
        h = int(height * (value or 0.0) / top)
        x = left + slot * (bar + 20)
        draw.rectangle((x, bottom - max(h, 2), x + bar, bottom), fill=colour)


def _maybe(value: float | None, show: Callable[[float], str]) -> str:
    return "—" if value is None else show(value)


def _count(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _percent(value: float) -> str:
    return f"{value:.1f} %"


def _score(value: float) -> str:
    return f"{value:.2f}"
