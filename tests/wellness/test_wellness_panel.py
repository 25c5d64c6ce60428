"""The Wellness tab, opened from the Patient menu: analyse files, see every component, save."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QGroupBox, QMessageBox, QTableWidget
from wellness_signals import syllable_train, walking, write_motion_csv, write_wav

from workstation.app import wellness
from workstation.app.progress import Progress
from workstation.ui.shell.main_window import MainWindow
from workstation.ui.shell.preferences import Preferences
from workstation.ui.wellness.panel import WellnessPanel
from workstation.vault import Argon2Params, Vault

FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail(f"error shown: {a[2]}"))
    vault, _ = Vault.create(
        tmp_path / "vault.db", "dr.meyer", "violet harbour lantern 42", kdf=FAST_KDF
    )
    patient = vault.add_patient("H-9", "Doe, Jane", "F")
    window = MainWindow(vault, Preferences(idle_minutes=10))
    qtbot.addWidget(window)
    window.refresh_patients(select=patient.id)
    qtbot.waitUntil(lambda: window.patients.current_patient_id() == patient.id, timeout=10000)
    qtbot.waitUntil(lambda: not window._workers, timeout=60000)
    yield window
    qtbot.waitUntil(lambda: not window._workers, timeout=60000)
    vault.lock()


def test_the_patient_menu_opens_the_wellness_tab_which_analyses_shows_and_saves(
    qtbot, window, tmp_path
):
    action = next(
        a for a in window.actions() if a.text().replace("&", "") == "Wellness observation…"
    )
    action.trigger()
    panel = window.tabs.currentWidget()
    assert isinstance(panel, WellnessPanel)
    panel.paths["audio"].setText(str(write_wav(tmp_path / "a.wav", syllable_train(4.0, 6.0))))
    panel.paths["motion"].setText(str(write_motion_csv(tmp_path / "m.csv", *walking(30, 2.0))))
    panel.analyse()
    qtbot.waitUntil(lambda: panel.session is not None, timeout=60000)
    titles = [box.title() for box in panel.results.findChildren(QGroupBox)]
    assert "Voice: measurable" in titles and "Motion: measurable" in titles
    assert any(t.startswith("Fusion: no score (no baseline yet") for t in titles)
    table = panel.results.findChild(QTableWidget)
    assert table.rowCount() == len(wellness.COMPONENTS)
    assert table.horizontalHeaderItem(7).text() == "Weight"
    assert panel.has_unsaved_review()
    panel.save()
    qtbot.waitUntil(lambda: not panel.save_button.isEnabled(), timeout=30000)
    qtbot.waitUntil(lambda: not window._workers, timeout=30000)
    history = wellness.wellness_history(window.vault, panel.patient_id)
    assert len(history) == 1 and not history[0].raw_media_kept


def test_signing_in_enforces_the_wellness_retention_and_audits_it(qtbot, tmp_path):
    from datetime import UTC, datetime, timedelta

    from workstation.ui.app import Launcher
    from workstation.vault.audit import Action

    class Clock:
        now = datetime.now(UTC) - timedelta(days=400)

        def __call__(self) -> datetime:
            return self.now

    clock = Clock()
    path = tmp_path / "vault.db"
    vault, _ = Vault.create(
        path, "dr.meyer", "violet harbour lantern 42", kdf=FAST_KDF, clock=clock
    )
    patient = vault.add_patient("H-7", "Old, Data", "F")
    motion = write_motion_csv(tmp_path / "m.csv", *walking(30, 2.0))
    session = wellness.analyse_wellness(vault, patient.id, Progress(), motion=motion)
    old = wellness.save_wellness_session(vault, patient.id, session, Progress())
    vault.lock()
    launcher = Launcher(path, FAST_KDF, Preferences(idle_minutes=10))
    launcher.start()
    qtbot.addWidget(launcher.dialog)
    form = launcher.dialog.form
    form.user_edit.setText("dr.meyer")
    form.password_edit.setText("violet harbour lantern 42")
    form.sign_in_button.click()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=30000)
    qtbot.addWidget(launcher.window)
    signed_in = launcher.window.vault
    assert wellness.wellness_history(signed_in, patient.id) == []
    cleanup = [e for e in signed_in.audit_log() if e.action == Action.CLEANUP]
    assert f"wellness:{old.observation_id}" in cleanup[-1].detail
    qtbot.waitUntil(lambda: not launcher.window._workers, timeout=60000)
    signed_in.lock()


def test_an_imported_video_gives_the_voice_from_its_own_audio_track(qtbot, window, tmp_path):
    from wellness_signals import write_talking_video

    action = next(
        a for a in window.actions() if a.text().replace("&", "") == "Wellness observation…"
    )
    action.trigger()
    panel = window.tabs.currentWidget()
    video = write_talking_video(tmp_path / "talk.mp4", syllable_train(4.0, 6.0))
    panel.sources.setCurrentIndex(1)  # Import files
    panel.paths["video"].setText(str(video))
    panel.analyse_button.click()
    qtbot.waitUntil(lambda: panel.session is not None, timeout=60000)
    titles = [box.title() for box in panel.results.findChildren(QGroupBox)]
    assert "Face: measurable" in titles and "Voice: measurable" in titles
    assert panel.session.sources["audio"] == "talk.mp4 (audio track)"
    panel.save()
    qtbot.waitUntil(lambda: not window._workers and not panel.has_unsaved_review(), timeout=30000)
