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
    ok: bool
    value: Any = None
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.ok


def attempt(act: Callable[[], Any], success=None, field=None, show: bool = True) -> Outcome:
    """Run act() and commit. On a DomainError roll back and show its message on the form
    field if given, else as a flash (show=False: the caller shows outcome.error itself).
    After the commit, flash success: a message, or a function of act's result that makes one."""
    try:
        value = act()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if field is not None:
            field.errors = [*field.errors, str(error)]
        elif show:
            flash(str(error), "danger")
        return Outcome(False, error=error)
    if callable(success):
        success = success(value)
    if success:
        flash(str(success), "success")
    return Outcome(True, value)


def submit(form, act: Callable[[Any], Any], success=None) -> Outcome:
    """For a form posted from another page: validate it, then attempt act(form); its
    errors come back as flashed messages."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return Outcome(False)
    return attempt(lambda: act(form), success)
