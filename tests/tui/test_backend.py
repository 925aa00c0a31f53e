"""The backend defaults wired to the core: the tick as a real subprocess, the startup report."""

from __future__ import annotations

from tui_support import NOW, plan_missed

from amx_tui.backend import core_startup_report, subprocess_tick


def test_the_in_app_tick_is_a_real_child_process(demo):
    result = subprocess_tick()  # AMX_HOME of this test is inherited by the child
    assert result.ok, result.message
    assert result.message == "nothing due"


def test_startup_report_lists_missed_analyze_schedules(demo):
    once, daily = plan_missed(demo)
    summary = core_startup_report(demo, NOW)
    assert {v.id for v in summary.missed} == {once.id, daily.id}
    assert summary.recovered == ()
