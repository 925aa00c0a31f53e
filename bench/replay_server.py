"""The loopback LLM server of bench/analyze.py in its own process, so it does not share the benchmark's GIL.

Prints its URL, answers every Chat Completions request validly (replies of a real model's length) after
DELAY seconds, prints {"requests": N, "max_in_flight": M} for every line read on stdin (the bench asks
after each run), and exits at stdin's end.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def main() -> None:
    from llm_server import ReplayServer, realistic_openai

    import amx_core.llm.prompt  # noqa: F401 - warm: the responder decodes prompts with it

    delay = float(sys.argv[1])
    server = ReplayServer()
    server.respond("/chat/completions", realistic_openai(delay=delay))
    print(server.url, flush=True)
    for _line in sys.stdin:
        print(json.dumps({"requests": len(server.requests), "max_in_flight": server.max_in_flight}), flush=True)
    server.close()


if __name__ == "__main__":
    main()
