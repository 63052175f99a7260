"""A supervisor limited to regions: training, targets and verification samples are scoped by
the policies themselves (own_or_regions), not by what a view happens to filter."""
from datetime import date

from sqlalchemy import select

from tenant_app.extensions import db
from tenant_app.models import Target, TrainingInvitation, User, VerificationSample
from tenant_app.policies import scope
from tenant_app.services import targets, training
from tests import factories


def _session(orgs, title):
    by = db.session.scalar(select(User).where(User.username == "admin"))
    return training.create_session(title=title, held_on=date(2026, 11, 20), place="柳州", topic="回访流程",
                                   max_score=100, orgs=orgs, by=by)


def test_a_regional_supervisor_sees_and_scores_only_invitees_in_their_regions(build, login_as, in_network, world):
    with build():
        near, far = factories.org("dealer", province="广西"), factories.org("dealer", province="广东", city="广州")
        near_gm, far_gm = factories.user(near, "general_manager"), factories.user(far, "general_manager")
        mixed = _session([near, far], "两省联合培训")
        only_far = _session([far], "广东专场培训")
        db.session.flush()
        mixed_id, only_far_id = mixed.id, only_far.id
        near_inv = next(i.id for i in mixed.invitations if i.org_id == near.id)
        far_inv = next(i.id for i in mixed.invitations if i.org_id == far.id)
        near_name, far_name = near_gm.name, far_gm.name
    supervisor = login_as("supervisor")  # limited to 广西

    page = supervisor.get(f"/m/training/{mixed_id}").get_data(as_text=True)
    assert near_name in page and far_name not in page
    assert supervisor.get(f"/m/training/{only_far_id}").status_code in (403, 404)
    assert "广东专场培训" not in supervisor.get("/m/training").get_data(as_text=True)

    # posting a score for the invitee outside the regions changes nothing of theirs
    resp = supervisor.post(f"/m/training/{mixed_id}", data={f"attended-{near_inv}": "1", f"score-{near_inv}": "88",
                                                           f"attended-{far_inv}": "1", f"score-{far_inv}": "99"})
    assert resp.status_code == 302
    with in_network(world["networks"]["liuqi"]) as s:
        near_row, far_row = s.get(TrainingInvitation, near_inv), s.get(TrainingInvitation, far_inv)
        assert (near_row.attended, near_row.score) == (True, 88)
        assert (far_row.attended, far_row.score) == (None, None)  # as invited: never recorded

    # the unrestricted supervisor sees both
    page = login_as("supervisor2").get(f"/m/training/{mixed_id}").get_data(as_text=True)
    assert near_name in page and far_name in page


def test_targets_and_samples_scope_to_the_supervisors_regions(build, app, world):
    with build():
        near, far = factories.org("dealer", province="广西"), factories.org("dealer", province="广东", city="广州")
        for org in (near, far):
            targets.set_target(org, "month", date(2026, 11, 1), "callbacks", 30)
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        db.session.add_all([VerificationSample(network_id=org.network_id, org_id=org.id, starts_on=date(2026, 11, 1),
                                               ends_on=date(2026, 11, 30), size=0, drawn_by_id=admin.id)
                            for org in (near, far)])
        db.session.flush()
        supervisor = db.session.scalar(select(User).where(User.username == "supervisor"))
        for model in (Target, VerificationSample):
            seen = set(db.session.scalars(scope(supervisor, select(model.org_id), model)))
            assert near.id in seen and far.id not in seen, model.__name__
        everyone = db.session.scalar(select(User).where(User.username == "supervisor2"))
        assert {near.id, far.id} <= set(db.session.scalars(scope(everyone, select(Target.org_id), Target)))
