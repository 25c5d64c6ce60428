"""The note extractor opens no socket: importing spaCy would, through urllib3's IPv6 probe,
unless the pipeline imports it the way pipeline.py does. Run in a fresh interpreter, since
the probe happens once per process."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
events = []
sys.addaudithook(lambda event, args: event.startswith("socket.") and events.append(event))
from workstation.cli import main
assert main(["notes", "extract", "--text", "Denies CP."]) == 0
assert "spacy" in sys.modules and "urllib3" in sys.modules
print("SOCKET EVENTS:", events)
"""


def test_notes_extract_imports_spacy_without_opening_a_socket():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300, check=True
    )
    assert "SOCKET EVENTS: []" in done.stdout
    assert "CP" in done.stdout and "negated" in done.stdout
