"""The backend defaults wired to the core: the tick as a real subprocess, the startup report, a missing module."""

from __future__ import annotations

import pytest
from tui_support import NOW, plan_missed

from amx_core.errors import ActionError
from amx_tui.backend import CatalogApi, core_startup_report, subprocess_tick


def test_the_in_app_tick_is_a_real_child_process(demo):
    result = subprocess_tick()  # AMX_HOME of this test is inherited by the child
    assert result.ok, result.message
    assert result.message == "nothing due"


def test_startup_report_lists_missed_analyze_schedules(demo):
    once, daily = plan_missed(demo)
    summary = core_startup_report(demo, NOW)
    assert {v.id for v in summary.missed} == {once.id, daily.id}
    assert summary.recovered == ()


def test_a_missing_core_module_is_a_clear_action_error(store):
    with pytest.raises(ActionError, match="the catalog listing is not available"):
        CatalogApi(module="amx_core.catalog.not_there").list_databases(store, "demo-shop")
