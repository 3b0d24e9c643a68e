"""Rendering the consultation's questions with crispy-forms, doing once per process what does not
change from one request to the next.

The layout's frame (sections, rows, legends, wrappers) does not depend on the form: crispy-forms
renders it once, with a slot for each question and each piece of HTML that reads the page's
context; a request fills the slots in (`FramedLayout`).

A question's HTML on a page not yet submitted (an unbound form: no errors, no typed input) depends
only on the form's class, the question and its stored answer. Most questions are choices (yes/no,
none/some/...), whose answers repeat from client to client: crispy-forms renders such a question
once for each answer the process sees, and the HTML is kept. So is a blank text box (the spare
rows of medicines, products and procedures). A text box with typed text (names, medicines) is
kept once with a marker where the text goes, and the escaped text put there for each page: the
memory stays bounded and holds no client's words.
"""

import copy
import functools

from crispy_forms import layout
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.forms.widgets import ChoiceWidget
from django.template import Context, Template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from screening.forms import own_field

_rendered: dict[tuple, str] = {}
_SLOT = "\x00"  # marks a slot in a rendered frame; never in a template or a question
_TYPED = "\x01"  # marks where a typed answer goes; never in a template or a question
# The inputs whose HTML holds a typed answer once, escaped, and depends on it nowhere else.
TYPED = forms.TextInput | forms.NumberInput | forms.DateInput | forms.Textarea


class RenderedOncePerAnswer(layout.Field):
    """A crispy `Field` whose HTML is kept per (form class, question, answer) for unbound forms
    when the question is a choice or not answered; a typed answer is put into HTML kept per
    (form class, question). Only for a form that shares the class's field: a field a form
    changed (disabled, or given the focus, say) is rendered for that form alone."""

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        [name] = self.fields
        field = form.fields[name]
        if form.is_bound or kwargs or field is not type(form).base_fields.get(name):
            return self._render(form, context, template_pack, **kwargs)
        value = form[name].value()
        if isinstance(field.widget, ChoiceWidget) or value in (None, ""):
            key = (type(form), name, repr(value), template_pack)
            html = _rendered.get(key)
            if html is None:
                html = _rendered[key] = self._render(form, context, template_pack)
        elif around := self._around_typed(form, field, value, context, template_pack):
            before, after = around
            html = before + conditional_escape(field.widget.format_value(value)) + after
        else:
            return self._render(form, context, template_pack)
        form.rendered_fields.add(name)  # as crispy marks each field it renders
        return html

    def _around_typed(self, form, field, value, context, template_pack):
        """A typed answer's question as its HTML before and after the answer, rendered once with
        a marker for the answer, where the escaped answer is the only part that depends on it;
        else None."""
        if not (isinstance(field.widget, TYPED) and isinstance(value, str)):
            return None
        key = (type(form), self.fields[0], _TYPED, template_pack)
        if key not in _rendered:
            marked = type(form)(initial={self.fields[0]: _TYPED}, auto_id=form.auto_id)
            marked.rendered_fields, marked.crispy_field_template = set(), form.crispy_field_template
            parts = self._render(marked, context, template_pack).split(_TYPED)
            _rendered[key] = tuple(map(SafeString, parts)) if len(parts) == 2 else None
        return _rendered[key]

    def _render(self, form, context, template_pack, **kwargs):
        # crispy's field templates write CSS classes into the widget: not into the shared field.
        own_field(form, self.fields[0])
        return super().render(form, context, template_pack, **kwargs)


class HTML(layout.HTML):
    """crispy's `HTML`, its template compiled once rather than at every render."""

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return self.template.render(context)

    @functools.cached_property
    def template(self) -> Template:
        return Template(str(self.html))


class FramedLayout(layout.Layout):
    """A crispy `Layout` whose frame is rendered once per template pack; each request renders
    only its slots: the questions, and the HTML that reads the page's context."""

    def __init__(self, *fields):
        super().__init__(*fields)
        self._frames: dict[str, tuple[list[str], list]] = {}

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        pack = str(template_pack)
        if pack not in self._frames:
            self._frames[pack] = self._frame(form, template_pack)
        parts, slots = self._frames[pack]
        html = [
            slots[int(part)].render(form, context, template_pack) if odd else part
            for odd, part in zip(_alternating(), parts, strict=False)
        ]
        return SafeString("".join(html))

    def _frame(self, form, template_pack):
        """The layout rendered with a slot marker for each slot, split at the markers: static
        HTML and slot numbers alternate."""
        slots = []

        def hollow(item):
            if isinstance(item, layout.Field | str) or (
                isinstance(item, layout.HTML) and ("{{" in item.html or "{%" in item.html)
            ):
                slots.append(item)
                return _Slot(len(slots) - 1)
            if not hasattr(item, "fields"):
                return item
            item = copy.copy(item)
            item.fields = [hollow(inner) for inner in item.fields]
            return item

        frame = layout.Layout(*map(hollow, self.fields)).render(form, Context(), template_pack)
        return frame.split(_SLOT), slots


def _alternating():
    while True:
        yield False
        yield True


class _Slot(layout.LayoutObject):
    def __init__(self, number: int):
        self.number = number

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return f"{_SLOT}{self.number}{_SLOT}"


def render_questions_once(helper) -> None:
    """Wrap every question of `helper`'s layout, at any depth, in RenderedOncePerAnswer, and
    render the layout's frame once (`FramedLayout`)."""
    helper.filter(str, greedy=True).wrap(RenderedOncePerAnswer)
    helper.layout = FramedLayout(*helper.layout.fields)
