"""Act, commit, or roll back and show the user's error: the one shape of every write in a view.
Only a DomainError (an error the user caused) is caught; anything else stays a 500 and is logged."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import flash

from ..extensions import db
from ..services.errors import DomainError
from .listing import flash_form_errors


@dataclass
class Outcome:
    value: Any = None
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is None


def attempt(act: Callable[[], Any], success: str | None = None, field=None) -> Outcome:
    """Run act() and commit. On a DomainError roll back and show its message on the form
    field if given, else as a flash. The success message is flashed after the commit."""
    try:
        value = act()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if field is not None:
            field.errors = [*field.errors, str(error)]
        else:
            flash(str(error), "danger")
        return Outcome(error=error)
    if success:
        flash(str(success), "success")
    return Outcome(value=value)


def submit(form, act: Callable[[Any], Any], success: str | None = None) -> Outcome:
    """For a form posted from another page: validate it, then attempt act(form); its
    errors come back as flashed messages."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return Outcome(error=DomainError("invalid form"))
    return attempt(lambda: act(form), success)
