"""`python -m amx_core.tick`: the same program as the `amx-tick` console script."""

from amx_core.tick.entry import main

raise SystemExit(main())
