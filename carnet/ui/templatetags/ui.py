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


@register.simple_tag(takes_context=True)
def page_url(context, number, param: str = "page") -> str:
    """The current URL's query string with `param` set to `number`, every other GET parameter kept.
    Used by `ui/components/pagination.html`."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        return f"?{param}={number}"
    query[param] = str(number)
    return "?" + query.urlencode()


@register.filter
def elided_pages(page):
    """Page numbers around the current one, with `Paginator.ELLIPSIS` where numbers are skipped."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


@register.simple_tag(takes_context=True)
def render_widget(context, widget):
    """Render a home-page widget prepared by the portal: `widget` has `template_name` and `context`
    (a dict). The widget template sees the page's context plus its own."""
    tpl = context.template.engine.get_template(widget["template_name"])
    with context.push(**widget["context"]):
        return tpl.render(context)


_PHONE_LAYOUTS = {
    # country code: the possible sizes of the digit groups after it
    "33": ((1, 2, 2, 2, 2),),  # +33 6 12 34 56 78
    "229": ((2, 2, 2, 2, 2), (2, 2, 2, 2)),  # +229 01 97 00 00 01, and the former +229 97 00 00 01
}


@register.filter
def phone(value) -> str:
    """An E.164 number laid out for reading: "+33612345678" -> "+33 6 12 34 56 78". Numbers of
    other countries, or of unexpected length, are shown as stored."""
    text = str(value or "")
    for code, layouts in _PHONE_LAYOUTS.items():
        rest = text[1 + len(code):]
        if not (text.startswith("+" + code) and rest.isdigit()):
            continue
        for groups in layouts:
            if len(rest) == sum(groups):
                parts, start = [], 0
                for size in groups:
                    parts.append(rest[start:start + size])
                    start += size
                return f"+{code} " + " ".join(parts)
    return text
