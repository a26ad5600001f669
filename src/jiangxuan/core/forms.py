"""Form helpers shared by the domain apps' views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpResponse

from .errors import DomainError


def declared_field[F: forms.Field](form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """``form.fields[name]`` as the field class ``kind``, for what a form sets at run time
    (choices, a queryset, a label function) with its type known.

    Raises:
        TypeError: the form declares ``name`` with another field class (a programming
            error, caught by the form's tests).
    """
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}")
    return field


def apply_error(form: forms.Form, field: str | None, message: str) -> None:
    """Put a service's message on ``field`` when the form has it, else on the form."""
    form.add_error(field if field in form.fields else None, message)


def submit_form(
    form: forms.Form,
    action: Callable[[dict[str, Any]], HttpResponse],
    *,
    refusals: type[DomainError] | tuple[type[DomainError], ...],
) -> HttpResponse | None:
    """The one shape of a form post: a valid ``form`` runs ``action(form.cleaned_data)``
    (one service call, then the success message and redirect) and its response is
    returned.

    A refusal of the service (``refusals``: the app's DomainError, core.errors) is put on
    the form, on its ``field`` when the form has it, and None is returned, so that the
    caller shows the form again with what the user typed; ``PermissionDenied`` goes on to
    the 403 page (``handler403``). An invalid form also gives None.
    """
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except refusals as exc:
        apply_error(form, exc.field, exc.message)
    return None
