"""The one exception hierarchy of the workstation.

Every message is written for the clinician at the screen: it names the file (or the thing)
that is wrong, says what is wrong with it in plain words, and says what to do next. The UI
shows ``str(error)`` as it is, so no message may depend on a traceback to make sense.
"""

from __future__ import annotations

from pathlib import Path


class WorkstationError(Exception):
    """Base of every error the workstation raises on purpose."""


class RecordingError(WorkstationError):
    """A recording file could not be turned into a Recording."""

    def __init__(self, path: str | Path | None, problem: str, advice: str) -> None:
        self.path = None if path is None else str(path)
        self.problem = problem
        self.advice = advice
        where = f"'{Path(self.path).name}'" if self.path else "The recording"
        super().__init__(f"{where}: {problem} {advice}".strip())


class InvalidRecording(RecordingError):
    """The file is of a known format but its content is broken, incomplete or implausible."""

    def __init__(
        self,
        path: str | Path | None,
        problem: str,
        advice: str = "Export the recording again from the device, or choose another file.",
    ) -> None:
        super().__init__(path, problem, advice)


class UnsupportedFormat(RecordingError):
    """The file is not in any format the workstation reads."""

    def __init__(
        self,
        path: str | Path | None,
        problem: str,
        advice: str = (
            "Supported formats: WFDB (.hea with its data files), EDF/EDF+/BDF, a .zip holding "
            "one such record, and CSV with a time column or a stated sampling rate."
        ),
    ) -> None:
        super().__init__(path, problem, advice)
