"""Entry point of the PyInstaller bundle: the same `workstation` command as the console script."""

import sys

from workstation.cli import main

sys.exit(main())
