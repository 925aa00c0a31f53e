"""A run's code is loaded before the run is claimed: the time between a run's start and end is its work, not
this process's imports (docs/ARCHITECTURE.md §5.5). Each probe is a fresh interpreter, so what it loaded is
what the step loaded."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
{code}
print(json.dumps({{"executor": "amx_core.analyze.executor" in sys.modules, "http": "httpx" in sys.modules}}))
"""


def _loaded(code: str, env: dict | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code)], check=True, capture_output=True, text=True, env=env
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_preparing_a_networked_analyze_run_loads_its_executor_and_http_client():
    code = "from amx_core.tick.registry import prepare\nprepare('analyze', 'openai')"
    assert _loaded(code) == {"executor": True, "http": True}
    code += "\nfrom amx_core.llm import client\nassert client._client is not None and not client._client.is_closed"
    assert _loaded(code)["http"]


def test_an_offline_run_loads_no_http_stack_and_an_unknown_kind_nothing():
    assert _loaded("from amx_core.tick.registry import prepare\nprepare('analyze', 'heuristic')") == {
        "executor": True,
        "http": False,
    }
    assert _loaded("from amx_core.tick.registry import prepare\nprepare('no-such-kind', None)") == {
        "executor": False,
        "http": False,
    }


def test_run_now_claims_only_once_the_executor_is_loaded(store, amx_home):
    from tick_support import add_schedule, profiles

    profiles(store)
    sid = add_schedule(store, "daily", None)
    code = f"""
from amx_core.services import run_now as service
from amx_core.store import open_store
seen = []
claim = service.claim_run_now
def watched(*args, **kwargs):
    seen.append("amx_core.analyze.executor" in sys.modules)
    return claim(*args, **kwargs)
service.claim_run_now = watched
service.run_now(open_store(), {sid})
assert seen == [True], seen
"""
    import os

    assert _loaded(code, env=dict(os.environ))["executor"]
