"""Rendering the consultation's questions once per process for each answer, not per request.

A question's HTML on a page not yet submitted (an unbound form: no errors, no typed input) depends
only on the form's class, the question and its stored answer. Most questions are choices (yes/no,
none/some/...), whose answers repeat from client to client: crispy-forms renders such a question
once for each answer the process sees, and the HTML is kept. So is a blank text box (the spare
rows of medicines, products and procedures). Typed text (names, medicines) is rendered every
time: the memory stays bounded and holds no client's words.
"""

from crispy_forms.layout import Field
from crispy_forms.utils import TEMPLATE_PACK
from django.forms.widgets import ChoiceWidget

_rendered: dict[tuple, str] = {}


class RenderedOncePerAnswer(Field):
    """A crispy `Field` whose HTML is kept per (form class, question, answer) for unbound forms
    when the question is a choice or not answered."""

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        [name] = self.fields
        value = form[name].value()
        choice = isinstance(form.fields[name].widget, ChoiceWidget)
        if form.is_bound or kwargs or not (choice or value in (None, "")):
            return super().render(form, context, template_pack, **kwargs)
        key = (type(form), name, repr(value), template_pack)
        html = _rendered.get(key)
        if html is None:
            html = _rendered[key] = super().render(form, context, template_pack)
        form.rendered_fields.add(name)  # as crispy marks each field it renders
        return html


def render_questions_once(helper) -> None:
    """Wrap every question of `helper`'s layout, at any depth, in RenderedOncePerAnswer."""
    helper.filter(str, greedy=True).wrap(RenderedOncePerAnswer)
