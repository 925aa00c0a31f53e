"""Helpers shared by the analyze, write-back and review tests: hostile texts, contexts, store rows."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

# Texts that have broken naive quoting somewhere; each must be written and read back exactly
# (NUL removed everywhere; on MariaDB emoji removed and long text truncated to the limit).
HOSTILE = {
    "quote": "It's the customer's name",
    "doubled_quotes": "two '' quotes '' here",
    "backslash": "path C:\\temp\\new and a trailing backslash \\",
    "backslash_quote": "\\'; DROP TABLE canary; --",
    "dollars": "costs $$ and $$; DROP TABLE canary; --",
    "tag": "tagged $amx$; DROP TABLE canary; --$amx$ and $tag$x$tag$",
    "tail_tag": "ends with $amx",
    "semicolon": "a; DROP TABLE canary;",
    "dashes": "x -- comment\nDROP TABLE canary",
    "block_comment": "/* DROP TABLE canary */ y */",
    "newlines": "line1\nline2\r\nline3\ttab",
    "nul": "before\x00after",
    "emoji": "Order status \U0001f69a shipped \u2705",
    "percent": "100% of %s and %(x)s",
    "long": ("word " * 1000)[:4999] + "!",
}


class RecordingSink:
    """A ProgressSink keeping the last counters and every log line."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.lines: list[str] = []
        self._lock = threading.Lock()

    def update(self, **counts: int) -> None:
        with self._lock:
            self.counts.update(counts)

    def log(self, line: str) -> None:
        with self._lock:
            self.lines.append(line)


@dataclass
class RunHandle:
    ctx: object
    sink: RecordingSink
    run_id: int
    schedule: object = field(default=None)


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def add_profiles(
    store,
    url: str,
    *,
    llm: str = "heuristic",
    base_url: str | None = None,
    concurrency: int = 4,
    timeout: float = 5.0,
    columns_per_request: int = 40,
    sample_mode: str = "masked",
    database: str | None = None,
) -> tuple[str, str]:
    """A DB profile for `url` and an LLM profile; returns their names."""
    from amx_core.services.profiles import add_db_profile, add_llm_profile

    add_db_profile(store, name="db", url=url, sample_mode=sample_mode, default_database=database)
    add_llm_profile(
        store,
        name="llm",
        provider=llm,
        base_url=base_url,
        model="test-model" if llm != "heuristic" else None,
        max_concurrency=concurrency,
        timeout_seconds=timeout,
        columns_per_request=columns_per_request,
    )
    return "db", "llm"


def make_schedule(
    store,
    *,
    scope=(),
    review: str = "manual",
    missing_only: bool = True,
    database: str | None = None,
    name: str = "analyze test",
    verify: bool = True,
    with_statistics: bool = False,
):
    """A schedule firing in an hour (the tests call the executor themselves); `verify` False saves it offline."""
    from amx_core.services.schedules import ScheduleInput, create_schedule

    return create_schedule(
        store,
        ScheduleInput(
            name=name,
            at="2026-03-02 11:00",
            tz="UTC",
            db_profile="db",
            database=database,
            scope=list(scope),
            llm_profile="llm",
            review=review,
            missing_only=missing_only,
            with_statistics=with_statistics,
        ),
        now=NOW,
        verify=verify,
    )


def start_run(store, schedule) -> RunHandle:
    """A Run row and a RunContext for `schedule`, as the tick would hand to the executor."""
    from amx_core.execution.context import RunContext
    from amx_core.models import Run

    with store.session() as s:
        run = Run(schedule_id=schedule.id, schedule_name=schedule.name, reason="run-now", started_at=NOW)
        s.add(run)
        s.flush()
        run_id = run.id
    sink = RecordingSink()
    ctx = RunContext(store=store, run_id=run_id, schedule=schedule, reason="run-now", now=NOW, sink=sink)
    return RunHandle(ctx=ctx, sink=sink, run_id=run_id, schedule=schedule)
