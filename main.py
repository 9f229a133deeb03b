"""Entry point: `python main.py [validate|synth|schema] ...`; with no arguments it synthesizes (for `cdktn synth`)."""
import sys

from modules.cli import main

if __name__ == "__main__":
    sys.exit(main())
