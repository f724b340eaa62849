"""``python -m app``: the composition root, the one module of app/ allowed to reach the window.

Everything else in app/ stays free of Qt and of ui/ (tests/test_architecture.py checks it).
"""

import sys

from ui.launcher import main

sys.exit(main())
