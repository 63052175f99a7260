"""Jobs are declared with @job: the registry the re-runs and the sweeper read, and
functions RQ can import back by the dotted name it stores."""
import inspect

import pytest


def test_every_job_kind_is_declared_with_its_queue_and_importable_by_rq():
    from rq.utils import import_attribute, resolve_function_reference

    from tenant_app import jobs
    from tenant_app.jobs import callbacks, exports, ledger, scorecards

    expected = {"ledger_check": (ledger.check_ledger_file, "default"),
                "ledger_import": (ledger.import_ledger_file, "default"),
                "evaluate": (scorecards.evaluate_period, "reports"),
                "scorecard_pdfs": (scorecards.render_pdfs, "reports"),
                "callback_plan": (callbacks.generate_callback_plan, "default"),
                "ledger_export": (exports.export_ledger_file, "default")}
    for kind, (func, queue) in expected.items():
        assert jobs.runner(kind) is func and (func.kind, func.queue) == (kind, queue)
        assert func.timeout > 0
        assert list(inspect.signature(func).parameters) == ["network_id", "record_id"]
        _, name = resolve_function_reference(func)
        assert import_attribute(name) is func, name
    assert set(jobs.DECLARED) == set(expected)


def test_a_kind_is_declared_once_and_on_a_known_queue():
    from tenant_app.jobs import job

    with pytest.raises(ValueError, match="declared twice"):
        job("evaluate", queue="reports")(lambda session, record: None)
    with pytest.raises(ValueError, match="unknown queue"):
        job("something", queue="nowhere")
