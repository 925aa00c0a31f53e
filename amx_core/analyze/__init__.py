"""The analyze run: resolve scope, profile, describe with an LLM, apply safely or queue for review.

Modules: `targets` (foreign-key targets, comparing texts), `personal`, `secretlike` and `profiling`
(bounded column statistics with nothing personal or secret in them), `planning` (parents first),
`facts` (what the model is told), `policy` (what `auto` may write), `marks` (what AMX wrote where,
and whether a person reviewed it), `structure` (structure fingerprints), `incremental` (what a
run asks about and why it skips the rest), `local_comments` (the AMX local catalog; the engines'
own comment writers live in amx_core.engines), `apply` (the one safe write path), `suggestions`
(saving proposals), `tables` (one table's pipeline) and `executor` (`run_analyze`). Nothing is
imported here.
"""
