"""The notice outbox: a miss the startup check of `amx` records (no tick running) waits as a pending notice,
the next tick's idle probe sees it and the full pass sends it, exactly once; bad notifier input is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from tick_support import add_schedule, profiles, utc

from amx_core.errors import ValidationError
from amx_core.services.notify import add_notifier
from amx_core.services.startup import startup_report

T = utc(2027, 3, 1, 9, 0)


def _tick(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "amx_core.tick.entry", *args], capture_output=True, text=True, timeout=120
    )
    return json.loads(done.stdout)


def test_a_miss_recorded_by_the_startup_check_is_sent_by_the_next_tick(any_store, tmp_path):
    store = any_store
    profiles(store)
    sid = add_schedule(store, "sleepy", T - timedelta(days=1))
    told = tmp_path / "told.txt"
    add_notifier(store, "script", command=f'echo "$AMX_EVENT $AMX_SCHEDULE $AMX_SLOTS" >> "{told}"', on="missed")

    assert [v.id for v in startup_report(store, now=T).missed] == [sid]  # recorded by `amx`, which sends nothing
    assert not told.exists()

    report = _tick("--now", T.isoformat(), "--json")
    assert report["idle"] is False  # the pending notice made the idle probe call the full pass
    assert told.read_text() == "missed sleepy 1\n"
    assert _tick("--now", (T + timedelta(minutes=1)).isoformat(), "--json")["idle"] is True
    assert told.read_text() == "missed sleepy 1\n"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "target"),
        ({"webhook_env": "A", "command": "true"}, "target"),
        ({"webhook_env": "not a name"}, "webhook-env"),
        ({"command": "curl https://hooks.example/T1/B2/secret"}, "command"),
        ({"command": "  "}, "command"),
        ({"desktop": True, "on": "failed,exploded"}, "on"),
        ({"desktop": True, "on": ","}, "on"),
        ({"desktop": True, "timeout": "0"}, "timeout"),
        ({"desktop": True, "timeout": "61"}, "timeout"),
    ],
)
def test_bad_notifier_input_names_its_field_and_writes_nothing(store, kwargs, field):
    with pytest.raises(ValidationError) as refused:
        add_notifier(store, "n", **kwargs)
    assert refused.value.field == field
    from amx_core.services.notify import list_notifiers

    assert list_notifiers(store) == []
