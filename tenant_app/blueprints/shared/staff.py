"""The active staff of the user's organisation, for the pickers of responsible people and assignees."""
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import User
from ...policies import scope


def org_staff():
    return db.session.scalars(scope(current_user, select(User).where(User.org_id == current_user.org_id,
                                                                      User.status == "active")
                                    .order_by(User.name, User.id), User)).all()
