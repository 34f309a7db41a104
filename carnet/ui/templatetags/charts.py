"""`{% load charts %}`: the SVG charts of carnet.ui.charts as template tags."""

from django import template
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from carnet.ui import charts

register = template.Library()


@register.simple_tag
def radar_chart(*, axes, series, title, maximum=20, size=320):
    return charts.radar_svg(axes=list(axes), series=list(series), maximum=maximum, title=str(title), size=size)


@register.simple_tag
def line_chart(*, points, title, maximum=20, reference=None, name=None, reference_label=None):
    return charts.line_svg(
        points=list(points), title=str(title), maximum=maximum, reference=reference, name=name,
        reference_label=reference_label,
    )


@register.simple_tag
def bars_chart(*, bars, title, highlight=None, highlight_label=None):
    return charts.bars_svg(bars=list(bars), title=str(title), highlight=highlight, highlight_label=highlight_label)


@register.simple_tag
def running_chart(points, title, name=None, reference=None):
    """A line of (date, value) points, the dates written "5/10"."""
    return charts.line_svg(
        points=[(date_format(day, "j/m"), value) for day, value in points], title=str(title),
        name=name or _("Moyenne générale"), reference=reference,
    )


@register.filter
def num(value) -> str:
    """A mark or average as people read it: "12,5", "10", "—" for None."""
    return charts.format_number(value)


@register.filter
def signed(value) -> str:
    """A difference with its sign: "+0,42", "−1,5", "0"."""
    if value is None:
        return "—"
    text = charts.format_number(abs(value))
    if value > 0:
        return "+" + text
    if value < 0:
        return "\u2212" + text
    return text


@register.filter
def elides(name) -> bool:
    """Whether French elides "de" before this name ("d'Alice", but "de Chloé"): templates pick
    between two translated sentences with it."""
    return str(name or "")[:1].lower() in set("aeiouyàâéèêëîïôöùûüh")
