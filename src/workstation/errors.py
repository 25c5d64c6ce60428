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


class VaultError(WorkstationError):
    """The encrypted vault refused an operation or could not be used.

    Like ``RecordingError`` the message is a problem followed by advice, because the same text
    reaches a clinician in the GUI and an administrator at the command line.
    """

    def __init__(self, problem: str, advice: str) -> None:
        self.problem = problem
        self.advice = advice
        super().__init__(f"{problem} {advice}".strip())


class VaultLocked(VaultError):
    """The vault is locked or the credentials did not open it; nothing in it was read."""

    def __init__(
        self,
        problem: str = "The vault is locked.",
        advice: str = (
            "Sign in with your username and password. If you forgot your password, ask an "
            "administrator to reset it."
        ),
    ) -> None:
        super().__init__(problem, advice)


class VaultNotFound(VaultError):
    """There is no vault database at the expected place."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        super().__init__(
            f"There is no vault at '{self.path}'.",
            "Check the vault location (--vault or the WORKSTATION_VAULT variable), or ask an "
            "administrator to create one with 'workstation vault init'.",
        )


class VaultExists(VaultError):
    """Creating or restoring a vault would overwrite one that is already there."""

    def __init__(self, path: str | Path, advice: str = "Choose another location.") -> None:
        self.path = str(path)
        super().__init__(f"A vault already exists at '{self.path}'.", advice)


class KeyFileMissing(VaultError):
    """The key-slot file beside the database is gone, so no password can open the vault."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        super().__init__(
            f"The vault's key file '{self.path}' is missing or unreadable, so no password can "
            "open the vault.",
            "An administrator can rebuild it with the recovery key ('workstation vault "
            "recover') or restore the key file from a backup.",
        )


class VaultCorrupt(VaultError):
    """The vault failed a check: a damaged page, a broken audit chain, mismatched files.

    ``row`` is the id of the first audit row that does not match the chain, when the problem
    is in the audit table.
    """

    def __init__(
        self,
        problem: str,
        row: int | None = None,
        advice: str = (
            "Stop using this vault and ask an administrator to restore the latest verified "
            "backup ('workstation vault restore')."
        ),
    ) -> None:
        self.row = row
        super().__init__(problem, advice)


class VaultBusy(VaultError):
    """Another program held the vault for longer than we were willing to wait."""

    def __init__(self, waited_s: float) -> None:
        self.waited_s = waited_s
        super().__init__(
            f"Another program is writing to the vault and did not finish within {waited_s:g} s.",
            "Wait a moment and try again; if this persists, close the other Workstation windows "
            "or commands that use the same vault.",
        )


class PermissionDenied(VaultError):
    """The signed-in user's role does not allow the operation (enforced by the vault API)."""

    def __init__(self, username: str, role: str, action: str) -> None:
        self.username = username
        self.role = role
        self.action = action
        super().__init__(
            f"User '{username}' ({role}) is not allowed to {action}.",
            "Ask an administrator to do it.",
        )


class UserExists(VaultError):
    """A user of that name already has an account."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(
            f"A user named '{username}' already exists.",
            "Choose another username, or change that user's password instead.",
        )


class UnknownUser(VaultError):
    """No active account has that name."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(
            f"There is no user named '{username}'.",
            "Check the spelling; 'workstation vault users' lists the accounts.",
        )


class PasswordRejected(VaultError):
    """A new password or username does not meet the vault's rules."""

    def __init__(self, problem: str, advice: str) -> None:
        super().__init__(problem, advice)


class InvalidRecoveryKey(VaultError):
    """The recovery key is mistyped or belongs to another vault."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            problem,
            "Type the recovery key exactly as printed when the vault was created (dashes and "
            "spaces do not matter).",
        )


class NotInVault(VaultError):
    """An id that names nothing in the vault (a stale list, or an id from another vault)."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(
            f"There is no {what} in the vault.",
            "Refresh the list and choose again; the item may belong to another vault.",
        )


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


class ReportError(WorkstationError):
    """A report could not be produced; nothing was stored or written."""

    def __init__(self, problem: str, advice: str) -> None:
        self.problem = problem
        self.advice = advice
        super().__init__(f"{problem} {advice}".strip())


class ReportSettingsInvalid(ReportError):
    """The report settings file (institution name, paper) cannot be used."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        super().__init__(
            f"The report settings file '{self.path}' cannot be used: {problem}",
            'Correct it (institution = "…", paper = "A4" or "Letter", st_units = "mm" or '
            '"uV") or remove it to use the defaults.',
        )


class NothingToReport(ReportError):
    """The session holds no recording or analysis a report could be made of."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            problem,
            "Open the session, add or analyse its ECG recording, then generate the report again.",
        )


class PrintingUnavailable(ReportError):
    """The report was made but could not be turned into pages for the printer."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            f"The report cannot be printed here: {problem}",
            "Export it instead (File › Export report…, Ctrl+E) and print the PDF from a PDF "
            "viewer, or ask IT to install poppler-utils (pdftoppm) on this workstation.",
        )


class ComponentNotInstalled(WorkstationError):
    """A research or training feature needs a library this installation leaves out."""

    def __init__(self, feature: str, library: str) -> None:
        self.feature = feature
        self.library = library
        super().__init__(
            f"{feature} needs the '{library}' library, which this installation does not "
            "include (the ward bundle leaves research and training tools out). Use a full "
            "installation of the workstation (the wheelhouse or a development checkout) for it."
        )


class TelemetryNotOff(WorkstationError):
    """A library that reports usage was started before its reporting could be switched off."""

    def __init__(self, library: str) -> None:
        self.library = library
        super().__init__(
            f"The model runtime ({library}) was started before the workstation could switch its "
            "usage reporting off, so no model is run: the workstation must not send anything "
            "over the network. Start the workstation with its own command (workstation), not "
            f"from a program that loads {library} first."
        )


class VitalsNotAssessable(WorkstationError):
    """Vital signs were read but are too few to score or to predict from."""

    def __init__(self, problem: str, advice: str) -> None:
        self.problem = problem
        self.advice = advice
        super().__init__(f"{problem} {advice}".strip())


class BatchError(WorkstationError):
    """A batch run could not start (its options contradict each other or name what is not
    there) or its workers stopped; records it finished are kept."""

    def __init__(self, problem: str, advice: str = "See 'workstation batch --help'.") -> None:
        self.problem = problem
        self.advice = advice
        super().__init__(f"{problem} {advice}".strip())


class NoteInputRejected(WorkstationError):
    """A note text or a search term the clinical-note extractor cannot take as given."""

    def __init__(self, problem: str, advice: str) -> None:
        self.problem = problem
        self.advice = advice
        super().__init__(f"{problem} {advice}".strip())


class WellnessInputRejected(WorkstationError):
    """A wellness input (video, audio or motion file) cannot be read, or nothing in a
    wellness session is measurable."""

    def __init__(self, problem: str, advice: str) -> None:
        self.problem = problem
        self.advice = advice
        super().__init__(f"{problem} {advice}".strip())


class SignOffRefused(WorkstationError):
    """A session could not be signed off (role, unsaved changes, already signed); nothing
    was changed in the vault."""

    def __init__(self, problem: str, advice: str) -> None:
        self.problem = problem
        self.advice = advice
        super().__init__(f"{problem} {advice}".strip())


class SignatureInvalid(ReportError):
    """A report's detached signature is missing, malformed, or does not match the PDF or the
    key: the file cannot be shown to be the report the vault user signed."""
