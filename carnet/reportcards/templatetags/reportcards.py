"""Filters for the report-card pages: numbers of the content snapshot as people read them."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def rc_number(value) -> str:
    """"12.50" -> "12,50"; None or "" -> "–"."""
    if value is None or value == "":
        return "–"
    return str(value).replace(".", ",")


@register.filter
def rc_coefficient(value) -> str:
    """"3.00" -> "3", "1.50" -> "1,5"."""
    if value is None or value == "":
        return "–"
    text = str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@register.filter
def rc_rank(value, sex: str = "") -> str:
    if value is None or value == "":
        return "–"
    if int(value) == 1:
        return _("1re") if sex == "F" else _("1er")
    return _("%(rank)se") % {"rank": value}


@register.filter
def rc_date(value) -> str:
    """ISO "2010-05-04" -> "04/05/2010"."""
    if not value:
        return ""
    year, month, day = str(value).split("-")
    return f"{day}/{month}/{year}"
