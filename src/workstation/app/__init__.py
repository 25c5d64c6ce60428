"""The application layer: the use cases a clinician runs, without Qt.

Import a file for a patient, analyse it, store it, open a stored session, save a review,
export a report: each is a plain function that takes the vault and a ``Progress`` and returns
typed results, so the same use case runs from the CLI (``workstation import``, ``report``)
and from a GUI worker thread. The GUI reaches the engines only through this package (an
import-linter contract in pyproject.toml); the engines' own file commands (``analyze
ecg/eeg/video``) call their engine directly.
"""
