"""The apps' parts of ending a case: what an app asks when a case ends, without the core knowing the app.

Ending a case is the core's (``/saker/<pk>/avslutt/``, ``services.end_follow_up``). The core never imports an app
(DESIGN.md: dependencies point one way), so an app that has something to ask when a case ends — the
end-of-follow-up evaluation (*sluttevaluering*) in ``outcomes`` — registers an :class:`EndingPart` here, as the apps
put their sections on the core's pages through ``koordinator.sections``::

    @register_ending_part(order=10)
    class Evaluation(EndingPart):
        template = "outcomes/end/ending_part.html"
        ...

What the core does with the parts:

* the ending form (``forms.EndFollowUpForm``) takes each part's fields beside its own and checks them together
  (one form, one error summary, one button); a part's :meth:`~EndingPart.clean` may look at the ending's own
  fields (the reason, say) and add errors to its fields;
* the page renders each part's ``template`` inside the form, after the ending's own fields, with ``form`` (the whole
  ending form) and ``part`` in its context;
* the ending service calls what each part's :meth:`~EndingPart.saver` returns **inside its own transaction**, after
  the case is saved as ended: a part that refuses (a ``ServiceError``, naming one of the part's form fields) undoes
  the whole ending, the user's notice and the history included, and the form shows the error at that field;
* after the ending is saved, the success message adds each part's :meth:`~EndingPart.after_ending` line (the end
  round's «Ta en siste livskvalitetsrunde»).

The API's ending (``POST /api/v1/follow-ups/<pk>/end/``) takes no parts: an app offers its own way to add what it
asks afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django import forms

    from koordinator.models import FollowUp, User

# What a part hands the ending service: ``save(actor, case)``, called inside the ending's transaction.
PartSave = Callable[["User", "FollowUp"], Any]


class EndingPart:
    """One app's part of the ending form, for one case and one actor (made anew for every request)."""

    #: Rendered inside the ending form with ``form`` (the whole ending form) and ``part`` (this object).
    template: str = ""

    def __init__(self, case: FollowUp, actor: User) -> None:
        self.case = case
        self.actor = actor

    def fields(self) -> dict[str, forms.Field]:
        """The part's fields, by name: names unique in the whole form (prefix them with the part's name)."""
        return {}

    def initial(self) -> dict[str, Any]:
        """Initial values for the unbound form (what the case already has)."""
        return {}

    def clean(self, form: forms.Form) -> None:
        """Checks across fields, after every field is cleaned: ``form.add_error(name, message)`` for the part's
        fields. ``form.cleaned_data`` holds the ending's own fields too (``reason``)."""

    def saver(self, cleaned_data: dict[str, Any]) -> PartSave | None:
        """What to save when the ending is saved, given the form's cleaned data; ``None`` for nothing."""
        return None

    def after_ending(self, case: FollowUp) -> str | None:
        """A line added to the success message once ``case`` (as saved, ended) is ended: what is left to do there,
        with a link, say (escaped or safe HTML, ``format_html``); ``None`` for nothing."""
        return None


_PARTS: list[tuple[int, type[EndingPart]]] = []


def register_ending_part(*, order: int = 0):
    """Register the decorated :class:`EndingPart` subclass; lower ``order`` comes first on the page."""

    def decorator(cls: type[EndingPart]) -> type[EndingPart]:
        _PARTS.append((order, cls))
        _PARTS.sort(key=lambda entry: entry[0])
        return cls

    return decorator


def parts_for(case: FollowUp, actor: User) -> list[EndingPart]:
    """The registered parts, in order, for ending ``case`` by ``actor``."""
    return [cls(case, actor) for _order, cls in _PARTS]
