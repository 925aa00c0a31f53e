"""A scripted runner for tests and demos: replies chosen by command prefix, every call recorded verbatim."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from amx_core.daemon.runner import CommandResult

Handler = Callable[[list[str], str | None], CommandResult]
Reply = CommandResult | list | Handler

OK = CommandResult(0)


@dataclass
class ScriptedRunner:
    """Answers each command from `replies` (longest matching argv prefix wins) and records it.

    A reply is a CommandResult, a list of them (used in turn; the last one repeats) or a
    callable `(argv, input) -> CommandResult`. Programs named in `missing` behave as absent.
    """

    replies: dict[tuple[str, ...], Reply] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    default: CommandResult = OK
    calls: list[list[str]] = field(default_factory=list)
    inputs: list[str | None] = field(default_factory=list)

    def on(self, *prefix: str, reply: Reply) -> ScriptedRunner:
        self.replies[tuple(prefix)] = reply
        return self

    def run(self, argv: Sequence[str], *, input: str | None = None) -> CommandResult:
        args = [str(part) for part in argv]
        self.calls.append(args)
        self.inputs.append(input)
        if args[0] in self.missing:
            return CommandResult.missing(args[0])
        reply = self._match(args)
        if reply is None:
            return self.default
        if isinstance(reply, list):
            return reply.pop(0) if len(reply) > 1 else reply[0]
        if callable(reply):
            return reply(args, input)
        return reply

    def _match(self, args: list[str]) -> Reply | None:
        best: tuple[str, ...] | None = None
        for prefix in self.replies:
            if tuple(args[: len(prefix)]) == prefix and (best is None or len(prefix) > len(best)):
                best = prefix
        return None if best is None else self.replies[best]

    def reset(self) -> None:
        """Forget the recorded calls (the replies stay)."""
        self.calls.clear()
        self.inputs.clear()


@dataclass
class FakeCrontab:
    """A user crontab kept in memory, answering `crontab -l`, `crontab -` and `crontab -r` like the real program."""

    content: str | None = None
    user: str = "amx"

    def __call__(self, argv: list[str], input: str | None) -> CommandResult:
        if argv[1:] == ["-l"]:
            if self.content is None:
                return CommandResult(1, "", f"no crontab for {self.user}")
            return CommandResult(0, self.content, "")
        if argv[1:] == ["-"]:
            self.content = input or ""
            return OK
        if argv[1:] == ["-r"]:
            if self.content is None:
                return CommandResult(1, "", f"no crontab for {self.user}")
            self.content = None
            return OK
        return CommandResult(1, "", f"crontab: unexpected arguments {argv[1:]}")
