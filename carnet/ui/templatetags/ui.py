"""Design-system template tags, available in every template without `{% load %}`."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def icon(name: str, label: str = "", size: int = 20):
    """An icon from the sprite. Decorative unless given a label (then announced to screen readers)."""
    if label:
        return format_html(
            '<svg class="icon" width="{}" height="{}" role="img" aria-label="{}"><use href="{}#i-{}"></use></svg>',
            size, size, label, static("ui/icons.svg"), name,
        )
    return format_html(
        '<svg class="icon" width="{}" height="{}" aria-hidden="true" focusable="false"><use href="{}#i-{}"></use></svg>',
        size, size, static("ui/icons.svg"), name,
    )


@register.filter
def initials(user) -> str:
    first = (getattr(user, "first_name", "") or " ")[0]
    last = (getattr(user, "last_name", "") or " ")[0]
    return (first + last).strip().upper() or "?"
