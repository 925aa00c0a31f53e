"""The `auto` review policy: which proposals AMX may write without a person looking first.

A proposal is written only when all hold: the strategy is `auto`; the target is empty or
holds text AMX wrote itself that no person accepted or edited (its WrittenMark); its confidence is at least
AUTO_MIN_CONFIDENCE (band medium or high: the heuristic provider's 0.5-0.75 qualifies, a
model's "not sure" below 0.5 does not); and it carries no flag of the quality check
(amx_core.llm.quality: restates the name, volatile facts, missing unit, length, URL, SQL,
instructions, control characters, truncated). Everything else is queued.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

AUTO_MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Verdict:
    apply: bool
    reason: str


def auto_verdict(
    review: str,
    *,
    confidence: float,
    flags: Sequence[str],
    current: str | None,
    amx_written: bool,
    reviewed: bool = False,
) -> Verdict:
    """Apply or queue one proposal, with the reason a person sees in the review queue."""
    if review != "auto":
        return Verdict(False, "manual review")
    if flags:
        return Verdict(False, "flagged: " + ", ".join(flags))
    if confidence < AUTO_MIN_CONFIDENCE:
        return Verdict(False, f"confidence {confidence:.2f} is below {AUTO_MIN_CONFIDENCE}")
    if current and not amx_written:
        return Verdict(False, "a person reviewed the current text" if reviewed else "a person wrote the current text")
    return Verdict(True, "passes the auto policy")
