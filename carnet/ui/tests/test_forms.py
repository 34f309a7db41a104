"""The form renderer: `{{ form }}` gives the design system's field markup, accessibly wired."""

from __future__ import annotations

from django import forms
from django.template import Context, Template


class SampleForm(forms.Form):
    name = forms.CharField(label="Nom", help_text="Tel qu'il figure sur la fiche.")
    code = forms.CharField(label="Code", required=False)
    agree = forms.BooleanField(label="J'accepte", required=False)
    kind = forms.ChoiceField(label="Type", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        if self.cleaned_data.get("code") == "bad":
            raise forms.ValidationError("Ce code ne va pas avec ce nom.")
        return self.cleaned_data


def render(form) -> str:
    return Template("{{ form }}").render(Context({"form": form}))


def test_fields_get_the_field_markup():
    out = render(SampleForm())
    assert '<div class="field">' in out
    assert '<label for="id_name">Nom</label>' in out
    assert '<p class="field-help" id="id_name_helptext">' in out
    assert 'aria-describedby="id_name_helptext"' in out
    assert "has-error" not in out and "aria-invalid" not in out
    assert 'type="hidden" name="secret"' in out


def test_field_in_error_is_marked_and_described():
    form = SampleForm(data={"name": ""})
    out = render(form)
    assert '<div class="field has-error">' in out
    assert '<p class="field-error" id="id_name_error">' in out
    assert 'aria-invalid="true"' in out
    assert 'aria-describedby="id_name_helptext id_name_error"' in out


def test_non_field_errors_are_an_alert():
    form = SampleForm(data={"name": "x", "code": "bad"})
    out = render(form)
    assert 'class="alert alert-error form-errors" role="alert"' in out
    assert "Ce code ne va pas avec ce nom." in out


def test_checkbox_puts_the_label_after_the_box():
    out = render(SampleForm())
    assert 'class="field field-check"' in out
    assert out.index('name="agree"') < out.index('<label for="id_agree">')


def test_choice_lists_are_a_fieldset_with_a_legend():
    out = render(SampleForm())
    assert "<fieldset>" in out and "<legend>Type</legend>" in out


def test_as_div_uses_the_same_markup():
    out = Template("{{ form.as_div }}").render(Context({"form": SampleForm(data={"name": ""})}))
    assert '<div class="field has-error">' in out
    assert 'id="id_name_error"' in out


def test_single_field_group_uses_the_field_template():
    out = Template("{{ form.name.as_field_group }}").render(Context({"form": SampleForm()}))
    assert out.strip().startswith('<div class="field">')
