"""Counting tokens before a request is sent (an estimate), and what tokens cost.

The rule is documented in docs/ANALYZE.md ("Estimates and budgets"): a request's input is its system
text, user text and answer schema, counted at one token per CHARS_PER_TOKEN characters plus a few
tokens per message; its output is a reply of typical length for the entries it asks for (the table's
and one per column). Prices are per million tokens and come from the LLM profile; AMX keeps no price list.
"""

from __future__ import annotations

import json
import math

from amx_core.llm.prompt import Prompt

# Calibrated once against a real BPE tokenizer (cl100k_base; o200k_base within 2 %) on AMX's requests for
# the whole of Chinook: prompts (system text, JSON data, answer schema) average 3.7 characters per token,
# replies (JSON prose) 4.3 (docs/ANALYZE.md, "Estimates and budgets").
CHARS_PER_TOKEN = 3.7
REPLY_CHARS_PER_TOKEN = 4.3
MESSAGE_TOKENS = 4  # per chat message: its role and separators
# A reply's length in characters: the JSON around the entries, one table entry, one column entry (a
# description of a sentence or two, a confidence, usually no alternative, a short reason), measured on
# the heuristic provider's Chinook descriptions written as a model's JSON answer.
REPLY_BASE_CHARS = 30
REPLY_TABLE_CHARS = 330
REPLY_COLUMN_CHARS = 290
PER_MILLION = 1_000_000


def text_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def prompt_tokens(prompt: Prompt) -> int:
    """The input tokens of one request for `prompt` (system and user messages, the answer's schema)."""
    schema = json.dumps(prompt.schema, separators=(",", ":"))
    return 2 * MESSAGE_TOKENS + text_tokens(prompt.system) + text_tokens(prompt.user) + text_tokens(schema)


def reply_tokens(columns: int, want_table: bool) -> int:
    """The output tokens of a typical reply describing `columns` columns (and the table, when asked)."""
    chars = REPLY_BASE_CHARS + (REPLY_TABLE_CHARS if want_table else 0) + REPLY_COLUMN_CHARS * columns
    return math.ceil(chars / REPLY_CHARS_PER_TOKEN)


def request_tokens(prompt: Prompt) -> int:
    """Input plus expected output of one request: what a token budget reserves before sending it."""
    return prompt_tokens(prompt) + reply_tokens(len(prompt.columns), prompt.want_table)


def cost(tokens_in: int, tokens_out: int, price_in: float | None, price_out: float | None) -> float | None:
    """What the tokens cost at the profile's prices (per million tokens); None when a price is not known."""
    if price_in is None or price_out is None:
        return None
    return tokens_in * price_in / PER_MILLION + tokens_out * price_out / PER_MILLION
