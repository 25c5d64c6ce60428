"""The main window: patients and sessions on the left, open sessions in tabs on the right.

Every vault access and every analysis runs as a job of the window's JobRunner (analyses,
imports, reviews and reports are use cases of ``workstation.app``); this class only starts
them and shows their results. It also owns
locking: after the idle time (or Ctrl+L) the content is replaced by the lock screen, the
lists are cleared and the vault forgets its key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from workstation.app import eeg_review, sessions
from workstation.app.models import LoadedModels, load_ecg_models
from workstation.app.opening import open_any_session
from workstation.app.progress import Progress
from workstation.app.reports import export_session_report
from workstation.app.sessions import OpenedSession
from workstation.app.video_sessions import SavedVideo
from workstation.app.vitals import PatientTrends
from workstation.recording import Modality, Recording
from workstation.ui.ecg.paper import Layout
from workstation.ui.ecg.workspace import EcgWorkspace
from workstation.ui.eeg.viewer import EegViewer
from workstation.ui.jobs import JobRunner, TaskWorker
from workstation.ui.shell.confirm import confirm_discard
from workstation.ui.shell.lock import IdleWatcher, LockScreen
from workstation.ui.shell.patients_panel import NewPatientDialog, PatientsPanel
from workstation.ui.shell.preferences import (
    Preferences,
    ask_preferences,
    follow_view_toggles,
    restore_window,
    save_window,
)
from workstation.ui.shell.signin_dialog import DISCLAIMER, PRODUCT
from workstation.ui.video.panel import VideoPanel
from workstation.ui.workspace import NoViewer, Workspace
from workstation.vault import Patient, Role, User, Vault

FILE_FILTER = "Recordings (*.hea *.edf *.bdf *.rec *.zip *.csv *.dcm *.xml);;All files (*)"
CONTENT, LOCKED = 0, 1


class MainWindow(QMainWindow):
    def __init__(self, vault: Vault, prefs: Preferences | None = None) -> None:
        super().__init__()
        self.vault = vault
        self.prefs = prefs or Preferences.load()
        self.setWindowTitle(PRODUCT)
        self.resize(1500, 940)
        self.setAcceptDrops(True)
        self._username = vault.user.username
        self.patients = PatientsPanel()
        self.patients.patientChosen.connect(self._load_sessions)
        self.patients.sessionActivated.connect(self.open_session)
        self.patients.newPatientRequested.connect(self.new_patient)
        self.patients.importRequested.connect(self.choose_import)
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.addTab(self._welcome(), "Start")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.patients)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        split.setSizes([280, 1640])  # patients column wide enough for a session's file name
        split.setSizes([330, 1170])
        self.lock_screen = LockScreen(vault)
        self.lock_screen.form.signedIn.connect(self._unlocked)
        self.stack = QStackedWidget()
        self.stack.addWidget(split)
        self.stack.addWidget(self.lock_screen)
        self.setCentralWidget(self.stack)
        self._build_status_bar()
        self.jobs = JobRunner(
            self, self.statusBar().showMessage, self._job_failed, self.progress, self.cancel_button
        )
        self._build_menus()
        restore_window(self)
        self.idle = IdleWatcher(self.prefs.idle_ms, self)
        self.idle.idle.connect(self._lock_for_idle)
        self.idle.start()
        self._show_user()
        self.refresh_patients()
        self._run(load_ecg_models, self._show_models, "Loading the models…", foreground=False)

    # Building ------------------------------------------------------------------------------

    def _welcome(self) -> QWidget:
        label = QLabel(
            f"<h2>{PRODUCT}</h2><p>Choose a patient on the left, or create one with "
            "<b>New patient…</b> (Ctrl+N). Import an ECG or EEG recording with <b>Import "
            "recording…</b> (Ctrl+I) or drop the file (or a .zip) on this window.</p>"
            f"<p><i>{DISCLAIMER}</i></p>"
        )
        label.setObjectName("welcome")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        return label

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.user_label = QLabel()
        self.vault_label = QLabel()
        self.device_label = QLabel("Inference: loading models…")
        disclaimer = QLabel(DISCLAIMER)
        disclaimer.setObjectName("disclaimer")
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        for widget in (self.user_label, self.vault_label, self.device_label, disclaimer):
            bar.addPermanentWidget(widget)

    def _action(
        self, menu, text: str, slot: Callable[[], Any], shortcut: QKeySequence | str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&New patient…", self.new_patient, QKeySequence.StandardKey.New)
        self._action(file, "&Import recording…", self.choose_import, "Ctrl+I")
        self._action(file, "&Video vitals…", self.open_video_vitals, "Ctrl+Shift+V")
        self._action(file, "&Save review", self.save_review, QKeySequence.StandardKey.Save)
        from workstation.ui.shell.signoff_dialog import SignOffFlow

        self.sign_off_flow = SignOffFlow(self)  # review, confirm statements, sign (#20)
        self._action(file, "Sign o&ff…", self.sign_off_flow.start, "Ctrl+Shift+S")
        self._action(file, "&Export report…", self.export_report, "Ctrl+E")
        from workstation.ui.shell.printing import ReportPrinting

        self.printing = ReportPrinting(self)  # the report on paper, true scale (#20)
        self._action(file, "&Print report…", self.printing.start, QKeySequence.StandardKey.Print)
        self._action(file, "Export EEG as ED&F+…", self.export_edf, "Ctrl+Shift+E")
        self._action(file, "&Close session", self.close_current, "Ctrl+W")
        file.addSeparator()
        self._action(file, "&Lock", self.lock_now, "Ctrl+L")
        self._action(file, "&Preferences…", self.edit_preferences, "Ctrl+,")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        view = bar.addMenu("&View")
        self._action(view, "Find patient", self.patients.search.setFocus, "Ctrl+F")
        self._action(view, "Layout 3 × 4 + rhythm", self.layout_standard, "Ctrl+1")
        self._action(view, "Layout 6 × 2", self.layout_six, "Ctrl+2")
        self._action(view, "Single lead", self.layout_single, "Ctrl+3")
        view.addSeparator()
        self._action(view, "Toggle &masks", self.toggle_masks, "M")
        self._action(view, "Toggle &fiducials", self.toggle_fiducials, "F")
        self._action(view, "Toggle &attribution", self.toggle_attribution, "A")
        self._action(view, "Toggle &calipers", self.toggle_calipers, "C")
        view.addSeparator()
        self._action(view, "Zoom in", self.zoom_in, QKeySequence.StandardKey.ZoomIn)
        self._action(view, "Zoom out", self.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self._action(view, "Fit sheet to window", self.fit_sheet, "Ctrl+9")
        self._action(view, "True size", self.true_size, "Ctrl+0")
        view.addSeparator()
        from workstation.ui.ecg.serial_comparison import add_compare_action

        add_compare_action(self, view)  # serial ECG comparison (#20)
        from workstation.ui.vitals.menu import VitalsMenu

        self.vitals_menu = VitalsMenu(self, bar)
        help_menu = bar.addMenu("&Help")
        from workstation.ui.shell.performance import open_performance

        self._action(
            help_menu, "&Performance…", lambda: open_performance(self, self.vault, self.jobs)
        )
        from workstation.ui.shell.governance_menus import add_governance_menus

        add_governance_menus(self, bar, help_menu)  # Tools, Models…, shortcuts, About (#20)

    # Jobs ----------------------------------------------------------------------------------

    def _run(
        self,
        task: Callable[[Progress], Any],
        on_success: Callable[[Any], None],
        message: str,
        foreground: bool = True,
    ) -> TaskWorker:
        """Start ``task`` with the window's JobRunner; ``on_success`` runs on the GUI thread."""
        return self.jobs.start(task, on_success, message, foreground)

    @property
    def _workers(self) -> set[TaskWorker]:
        """The jobs still running (tests wait until there are none)."""
        return self.jobs.workers

    def _job_failed(self, message: str) -> None:
        self.statusBar().showMessage("The last action failed; nothing was changed.")
        QMessageBox.warning(self, PRODUCT, message)

    @Slot()
    def cancel_job(self) -> None:
        self.jobs.cancel()

    def wait_for_jobs(self, timeout_ms: int = 30000) -> None:
        self.jobs.wait(timeout_ms)

    # Status --------------------------------------------------------------------------------

    def _show_user(self) -> None:
        user = self.vault.user
        self.user_label.setText(f"Signed in: {user.username} ({user.role})")
        self.vault_label.setText(f"Vault: unlocked · {self.vault.paths.database.name}")

    def _show_models(self, models: LoadedModels) -> None:
        self.device_label.setText(models.describe())

    # Patients and sessions -----------------------------------------------------------------

    def refresh_patients(self, select: int | None = None) -> None:
        vault = self.vault
        self._select_after_refresh = select
        self._run(lambda _p: vault.list_patients(), self._show_patients, "", foreground=False)

    @Slot(object)
    def _show_patients(self, patients: list[Patient]) -> None:
        if self.stack.currentIndex() == LOCKED:
            return
        self.patients.set_patients(patients, self._select_after_refresh)

    @Slot(int)
    def _load_sessions(self, patient_id: int) -> None:
        vault = self.vault
        self._run(
            lambda _p: vault.list_sessions(patient_id), self._show_sessions, "", foreground=False
        )

    @Slot(object)
    def _show_sessions(self, sessions: list) -> None:
        current = self.patients.current_patient_id()
        if self.stack.currentIndex() == CONTENT:
            self.patients.set_sessions([s for s in sessions if s.patient_id == current])

    @Slot()
    def new_patient(self) -> None:
        dialog = NewPatientDialog(self)
        if dialog.exec() != NewPatientDialog.DialogCode.Accepted:
            return
        identifier, name, sex, birth = dialog.values()
        vault = self.vault
        self._run(
            lambda _p: vault.add_patient(identifier, name, sex, birth),
            self._patient_added,
            "Adding the patient…",
        )

    @Slot(object)
    def _patient_added(self, patient: Patient) -> None:
        self.statusBar().showMessage(f"Patient {patient.identifier} added.")
        self.refresh_patients(select=patient.id)

    @Slot()
    def choose_import(self) -> None:
        if self.front_patient() is None and self.patients.current_patient_id() is None:
            QMessageBox.information(self, PRODUCT, "Choose or create a patient first.")
            return
        path, _ = QFileDialog.getOpenFileName(self, "Import recording", "", FILE_FILTER)
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> TaskWorker | None:
        """Read, analyse and store ``path`` as a new session of the patient it is meant for:
        the patient whose session is in front, else the one chosen in the list."""
        patient = self._import_target(path)
        if patient is None:
            return None
        patient_id, vault, early = patient.id, self.vault, []

        def show_early(recording: Recording) -> None:
            """An EEG opens as soon as it is read; it is stored meanwhile."""
            if recording.modality == Modality.EEG:
                viewer = EegViewer(recording, author=self.vault.user.username)
                early.append(viewer)
                index = self.tabs.addTab(viewer, f"{path.name} (saving…)")
                self.tabs.tabBar().setTabData(index, patient)
                self.tabs.setCurrentIndex(index)

        def stored(opened: OpenedSession) -> None:
            if early and self.tabs.indexOf(early[0]) >= 0:
                self._attach_stored(early[0], opened)
            else:
                self._session_ready(opened)

        def failed(_message: str) -> None:
            for viewer in early:  # nothing was stored: the early tab goes
                if self.tabs.indexOf(viewer) >= 0:
                    self.tabs.removeTab(self.tabs.indexOf(viewer))
                viewer.close_workers()
                viewer.deleteLater()

        return self.jobs.start(
            lambda progress: sessions.import_recording(vault, patient_id, path, progress),
            stored,
            f"Importing {path.name} for {patient.name}, {patient.identifier}…",
            on_partial=show_early,
            on_failure=failed,
        )

    def front_patient(self) -> Patient | None:
        """The patient of the session tab in front (None on the Start tab)."""
        return self.tabs.tabBar().tabData(self.tabs.currentIndex())

    def _import_target(self, path: Path) -> Patient | None:
        """Whom a file is imported for. A session in front decides; when the list has
        another patient selected, the clinician confirms by name and hospital number (a
        file dropped on one patient's ECG once went to the patient highlighted in the list)."""
        front, chosen = self.front_patient(), self.patients.current_patient()
        if front is None and chosen is None:
            QMessageBox.information(self, PRODUCT, "Choose or create a patient first.")
            return None
        if front is None or (chosen is not None and chosen.id == front.id):
            return front or chosen
        if chosen is None:
            return front
        answer = QMessageBox.question(
            self,
            "Import for which patient?",
            f"Import {path.name} for {front.name} ({front.identifier}), whose session is in "
            f"front?\n\nThe patient list has {chosen.name} ({chosen.identifier}) selected. "
            "To import for that patient, choose No, open the Start tab and import again.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return front if answer == QMessageBox.StandardButton.Yes else None

    def _attach_stored(self, viewer: EegViewer, opened: OpenedSession) -> None:
        """The early EEG tab's recording is stored now: it becomes that session's viewer."""
        viewer.attach_session(opened.session.id)
        title = f"{opened.patient.name} · {opened.session.modality.upper()} {opened.session.id}"
        self.tabs.setTabText(self.tabs.indexOf(viewer), title)
        self._analyse_eeg(viewer, opened)
        if self.patients.current_patient_id() == opened.patient.id:
            self._load_sessions(opened.patient.id)

    @Slot(int)
    def open_session(self, session_id: int) -> TaskWorker | None:
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, Workspace) and widget.session_id() == session_id:
                self.tabs.setCurrentIndex(index)
                return None
        vault = self.vault
        return self._run(
            lambda progress: open_any_session(vault, session_id, progress),
            self._session_ready,
            "Opening the session…",
        )

    @Slot(object)
    def _session_ready(self, opened: OpenedSession | SavedVideo | PatientTrends) -> None:
        """Show a session that was imported or opened; refresh the patient's sessions."""
        if isinstance(opened, PatientTrends):  # a vitals session opens as the trends tab
            self.vitals_menu.show(opened)
            return
        widget = self._workspace_for(opened)
        title = f"{opened.patient.name} · {opened.session.modality.upper()} {opened.session.id}"
        index = self.tabs.addTab(widget, title)
        self.tabs.tabBar().setTabData(index, opened.patient)
        self.tabs.setCurrentIndex(index)
        self.statusBar().showMessage(f"Session {opened.session.id} open.")
        if isinstance(opened, OpenedSession) and opened.result is not None:
            self.device_label.setText(f"Inference: {opened.result.model_line()}")
        if self.patients.current_patient_id() == opened.patient.id:
            self._load_sessions(opened.patient.id)

    def _workspace_for(self, opened: OpenedSession | SavedVideo) -> QWidget:
        if isinstance(opened, SavedVideo):
            return self._video_panel(opened.patient, opened)
        if opened.traces is not None:
            workspace = EcgWorkspace(
                opened, self.prefs.dpi_for(self.screen()), self.vault.user.username
            )
            workspace.saveRequested.connect(self.save_review)
            workspace.exportRequested.connect(self.export_report)
            workspace.built.connect(lambda: follow_view_toggles(workspace))
            return workspace
        if opened.recording.modality == Modality.EEG:
            return self._eeg_viewer(opened)
        return NoViewer(opened)

    @Slot()
    def open_video_vitals(self) -> None:
        """A video-vitals tab for the chosen patient (the patient is read in a worker)."""
        patient_id = self.patients.current_patient_id()
        if patient_id is None:
            QMessageBox.information(self, PRODUCT, "Choose or create a patient first.")
            return
        vault = self.vault
        self._run(
            lambda _p: vault.get_patient(patient_id), self._show_video_panel, "", foreground=False
        )

    @Slot(object)
    def _show_video_panel(self, patient: Patient) -> None:
        index = self.tabs.addTab(self._video_panel(patient), f"{patient.name} · Video vitals")
        self.tabs.tabBar().setTabData(index, patient)
        self.tabs.setCurrentIndex(index)

    def _video_panel(self, patient: Patient, saved: SavedVideo | None = None) -> VideoPanel:
        panel = VideoPanel(self.vault, patient, saved)
        panel.sessionSaved.connect(self._video_saved)
        return panel

    @Slot(int)
    def _video_saved(self, session_id: int) -> None:
        panel = self.sender()
        self.tabs.setTabText(self.tabs.indexOf(panel), f"{panel.patient.name} · VIDEO {session_id}")
        self.statusBar().showMessage(f"Video session {session_id} saved.")
        if self.patients.current_patient_id() == panel.patient.id:
            self._load_sessions(panel.patient.id)

    def _workspaces(self) -> list[Workspace]:
        """The open session tabs (the Start tab is not one)."""
        widgets = (self.tabs.widget(i) for i in range(self.tabs.count()))
        return [w for w in widgets if isinstance(w, Workspace)]

    def current_workspace(self) -> EcgWorkspace | None:
        """The ECG workspace in front, once it is fully built (None otherwise)."""
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, EcgWorkspace) and widget.is_built else None

    def _eeg_viewer(self, opened: OpenedSession) -> EegViewer:
        """The EEG viewer; a session never analysed is analysed (and stored) in the
        background, a stored one is shown as it was saved, without running anything."""
        viewer = EegViewer(
            opened.recording,
            session_id=opened.session.id,
            stored=opened.eeg,
            author=self.vault.user.username,
        )
        if opened.eeg is not None and opened.eeg.analysed:
            viewer.show_stored(opened.eeg)
        else:
            self._analyse_eeg(viewer, opened)
        return viewer

    def _analyse_eeg(self, viewer: EegViewer, opened: OpenedSession) -> None:
        """Detector and trends in the background, stored with the session when done."""
        vault, session_id, recording_id = self.vault, opened.session.id, opened.recording_id
        recording, marks = opened.recording, viewer.review_marks()
        viewer.start_analysis(
            lambda progress: eeg_review.analyse_and_store_eeg(
                vault, session_id, recording_id, recording, marks, progress
            )
        )

    @Slot()
    def save_review(self) -> TaskWorker | None:
        viewer = self.tabs.currentWidget()
        if isinstance(viewer, EegViewer):
            return self._save_eeg_review(viewer)
        workspace = self.current_workspace()
        if workspace is None:
            return None
        vault, opened, changes = self.vault, workspace.opened, workspace.changes()
        self._saving = workspace
        return self._run(
            lambda progress: sessions.save_review(vault, opened, changes, progress),
            self._review_saved,
            "Saving the review…",
        )

    def _save_eeg_review(self, viewer: EegViewer) -> TaskWorker | None:
        vault, session_id = self.vault, viewer.session_id()
        if session_id is None:
            self.statusBar().showMessage("The recording is still being saved; save again soon.")
            return None
        stored, marks = viewer.stored, viewer.review_marks()

        def save(progress: Progress) -> eeg_review.StoredEeg:
            rid = vault.list_recordings(session_id)[-1].id
            return eeg_review.save_eeg_annotations(vault, session_id, rid, stored, marks, progress)

        return self._run(save, viewer.review_saved, "Saving the annotations…")

    @Slot()
    def export_edf(self) -> TaskWorker | None:
        viewer = self.tabs.currentWidget()
        if not isinstance(viewer, EegViewer):
            QMessageBox.information(self, PRODUCT, "Open an EEG session first.")
            return None
        if viewer.has_unsaved_review():
            QMessageBox.information(
                self,
                PRODUCT,
                "Save the annotations first (Ctrl+S): the export holds what is stored.",
            )
            return None
        name = f"eeg-session-{viewer.session_id()}.edf"
        caption = "Export EDF+: the file leaves the vault's encryption (saved owner-only)"
        path, _ = QFileDialog.getSaveFileName(self, caption, name, "EDF+ (*.edf)")
        return self.export_edf_to(viewer.session_id(), Path(path)) if path else None

    def export_edf_to(self, session_id: int, path: Path) -> TaskWorker:
        vault = self.vault
        return self._run(
            lambda progress: eeg_review.export_edf(vault, session_id, path, progress),
            self._report_exported,
            "Exporting the EEG…",
        )

    @Slot(object)
    def _review_saved(self, opened: OpenedSession) -> None:
        self._saving.show_session(opened)
        self.statusBar().showMessage(f"Session {opened.session.id} saved.")

    @Slot()
    def export_report(self) -> TaskWorker | None:
        workspace = self.current_workspace()
        if workspace is None:
            return None
        if workspace.has_changes:
            QMessageBox.information(
                self, PRODUCT, "Save the review first (Ctrl+S): the report shows what is stored."
            )
            return None
        name = f"ecg-report-session-{workspace.opened.session.id}.pdf"
        caption = "Export report: the file leaves the vault's encryption (saved owner-only)"
        path, _ = QFileDialog.getSaveFileName(self, caption, name, "PDF (*.pdf)")
        if not path:
            return None
        return self.export_report_to(workspace.opened.session.id, Path(path))

    def export_report_to(self, session_id: int, path: Path) -> TaskWorker:
        vault = self.vault
        return self._run(
            lambda progress: export_session_report(vault, session_id, path, progress)[1],
            self._report_exported,
            "Exporting the report…",
        )

    @Slot(object)
    def _report_exported(self, path: Path) -> None:
        self.statusBar().showMessage(f"Exported to {path}.")

    @Slot(int)
    def close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if isinstance(widget, Workspace) and widget.has_unsaved_review():
            text = "This review has unsaved changes. Close it and discard them?"
            if not confirm_discard(self, text, "Close and discard"):
                return
        self.tabs.removeTab(index)
        if isinstance(widget, Workspace):
            widget.close_workers()
        widget.deleteLater()

    @Slot()
    def close_current(self) -> None:
        """Close the session in front (any tab but Start, which may already be closed)."""
        if isinstance(self.tabs.currentWidget(), Workspace):
            self.close_tab(self.tabs.currentIndex())

    # View actions (on the current ECG workspace) ---------------------------------------------

    def _on_workspace(self, act: Callable[[EcgWorkspace], None]) -> None:
        workspace = self.current_workspace()
        if workspace is not None and self.stack.currentIndex() == CONTENT:
            act(workspace)

    @Slot()
    def layout_standard(self) -> None:
        self._on_workspace(lambda w: w.layout_box.setCurrentText(Layout.STANDARD))

    @Slot()
    def layout_six(self) -> None:
        self._on_workspace(lambda w: w.layout_box.setCurrentText(Layout.SIX_BY_TWO))

    @Slot()
    def layout_single(self) -> None:
        self._on_workspace(lambda w: w.layout_box.setCurrentText(Layout.SINGLE))

    @Slot()
    def toggle_masks(self) -> None:
        self._on_workspace(lambda w: w.masks_check.toggle())

    @Slot()
    def toggle_fiducials(self) -> None:
        self._on_workspace(lambda w: w.fiducials_check.toggle())

    @Slot()
    def toggle_attribution(self) -> None:
        self._on_workspace(lambda w: w.attribution_check.toggle())

    @Slot()
    def toggle_calipers(self) -> None:
        self._on_workspace(lambda w: w.calipers_check.toggle())

    @Slot()
    def zoom_in(self) -> None:
        self._on_workspace(lambda w: w.paper.zoom_step(1.25))

    @Slot()
    def zoom_out(self) -> None:
        self._on_workspace(lambda w: w.paper.zoom_step(0.8))

    @Slot()
    def fit_sheet(self) -> None:
        self._on_workspace(lambda w: w.paper.fit_to_window())

    @Slot()
    def true_size(self) -> None:
        self._on_workspace(lambda w: w.paper.reset_zoom())

    # Locking -------------------------------------------------------------------------------

    @Slot()
    def _lock_for_idle(self) -> None:
        minutes = self.prefs.idle_minutes
        self.lock(f"Locked after {minutes:g} min without activity.")

    @Slot()
    def lock_now(self) -> None:
        self.lock("Locked.")

    def lock(self, reason: str) -> None:
        """Hide every patient detail at once, then lock the vault in a worker."""
        if self.stack.currentIndex() == LOCKED:
            return
        self.idle.stop()
        self.stack.setCurrentIndex(LOCKED)
        self.patients.clear()
        self.setWindowTitle(f"{PRODUCT} — locked")
        self.menuBar().setEnabled(False)
        self.lock_screen.prepare(self._username, reason)
        self.vault_label.setText("Vault: locked")
        vault = self.vault
        self._run(lambda _p: vault.lock(), self._vault_locked, "", foreground=False)

    @Slot(object)
    def _vault_locked(self, _none: object) -> None:
        if self.is_locked_screen:  # a quick password may already have unlocked it
            self.statusBar().showMessage("Locked.")

    @property
    def is_locked_screen(self) -> bool:
        return self.stack.currentIndex() == LOCKED

    @Slot(object)
    def _unlocked(self, user: User) -> None:
        if user.username != self._username:
            self._close_all_sessions()
        self._username = user.username
        self.stack.setCurrentIndex(CONTENT)
        self.setWindowTitle(PRODUCT)
        self.menuBar().setEnabled(True)
        self._show_user()
        self.statusBar().showMessage(f"Unlocked: signed in as {user.username}.")
        self.refresh_patients()
        self.idle.start()

    def _close_all_sessions(self) -> None:
        """Another user signed in: the previous user's open sessions are closed, unsaved
        changes included, so nobody sees or saves work under someone else's name."""
        for widget in self._workspaces():  # the Start tab may be closed: not index-based
            self.tabs.removeTab(self.tabs.indexOf(widget))
            widget.close_workers()
            widget.deleteLater()

    # Preferences, help, drag and drop, closing ---------------------------------------------

    @Slot()
    def edit_preferences(self) -> None:
        admin = self.vault.user.role is Role.ADMINISTRATOR
        prefs = ask_preferences(self, self.prefs, self.screen(), admin)
        if prefs is None:
            return
        self.prefs = prefs
        self.idle.set_timeout(self.prefs.idle_ms)
        for widget in self._workspaces():
            widget.apply_preferences(self.prefs, self.screen())

    @Slot()
    def show_about(self) -> None:
        from workstation.ui.shell.about import show_about

        show_about(self)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        urls = event.mimeData().urls()
        if len(urls) == 1 and urls[0].isLocalFile() and not self.is_locked_screen:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            self.import_file(Path(urls[0].toLocalFile()))
            event.acceptProposedAction()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        unsaved = [w for w in self._workspaces() if w.has_unsaved_review()]
        if unsaved and not self.is_locked_screen:
            text = "Some reviews have unsaved changes. Quit and discard them?"
            if not confirm_discard(self, text, "Quit and discard"):
                event.ignore()
                return
        save_window(self)
        self.jobs.stop_all()
        self.idle.stop()
        for widget in self._workspaces():
            widget.close_workers()
        self.vault.lock()
        super().closeEvent(event)
