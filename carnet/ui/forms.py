"""The form renderer of the design system: `{{ form }}` gives the `.field` / `.field-help` /
`.field-error` / `.has-error` markup, with `aria-describedby` pointing at the help and the error
and `aria-invalid` on a field in error (Django sets both attributes on the widget; the templates
give the matching ids `<auto_id>_helptext` and `<auto_id>_error`)."""

from django.forms.renderers import TemplatesSetting


class CarnetFormRenderer(TemplatesSetting):
    """Renders through the project's template engine, so apps may override widget templates and
    the design-system tags (`{% icon %}`) are available in form templates."""

    form_template_name = "ui/forms/div.html"
    field_template_name = "ui/forms/field.html"
