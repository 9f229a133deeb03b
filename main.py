"""Entry point: `python main.py [validate|synth|schema] ...`; with no arguments it synthesizes (for `cdktn synth`)."""

import os
import sys

from modules.cli import main, wants_cdktn

if __name__ == "__main__":
    # jsii's generated bindings check argument types at run time unless Python runs with -O; for
    # commands that build constructs that halves construction time (DESIGN.md), so re-run optimized.
    if wants_cdktn(sys.argv[1:]) and not sys.flags.optimize and not os.environ.get("REGISTRY_NO_REEXEC"):
        os.execv(sys.executable, [sys.executable, "-O", *sys.argv])
    sys.exit(main())
