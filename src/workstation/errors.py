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


class ModelError(WorkstationError):
    """An analysis model could not be used; the analysis it serves cannot run."""

    def __init__(self, problem: str, advice: str) -> None:
        self.problem = problem
        self.advice = advice
        super().__init__(f"{problem} {advice}".strip())


class ModelMissing(ModelError):
    """The model file or its model card is not where the registry looks."""

    def __init__(self, name: str, path: str | Path) -> None:
        self.name = name
        self.path = str(path)
        super().__init__(
            f"The analysis model '{name}' (or its model card) is missing at '{self.path}'.",
            "Reinstall the workstation or ask an administrator to restore the models folder; "
            "a model without its card is never used.",
        )


class ModelTampered(ModelError):
    """The model file's sha256 differs from the one its card records."""

    def __init__(self, name: str, expected: str, actual: str) -> None:
        self.name = name
        super().__init__(
            f"The analysis model '{name}' does not match its model card (sha256 {actual[:12]}… "
            f"instead of {expected[:12]}…), so it may have been altered and was not loaded.",
            "Reinstall the workstation or ask an administrator to restore the original model.",
        )


class NotMeasurable(WorkstationError):
    """The recording is readable but no trustworthy ECG measurement can be made from it."""

    def __init__(
        self, problem: str, advice: str = "Record the ECG again or review it by eye."
    ) -> None:
        self.problem = problem
        self.advice = advice
        super().__init__(f"{problem} {advice}".strip())


class MontageNotApplicable(WorkstationError):
    """An EEG montage needs electrodes the recording does not have."""

    def __init__(self, montage: str, missing: list[str], present: list[str]) -> None:
        self.montage = montage
        self.missing = list(missing)
        self.present = list(present)
        shown = ", ".join(self.present) if self.present else "none"
        super().__init__(
            f"The {montage} montage needs electrode(s) {', '.join(self.missing)}, which the "
            f"recording does not have (EEG electrodes found: {shown}). Choose another montage "
            "(the average reference works with any set of electrodes) or check the channel "
            "names in the recording.",
        )


class InvalidFilterSetting(WorkstationError):
    """A filter setting cannot be applied at this recording's sampling rate."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(
            f"{problem} Choose a cut-off between 0 Hz and half the sampling rate, with the "
            "low-frequency filter below the high-frequency filter."
        )
