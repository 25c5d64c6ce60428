"""The audit chain: append-only in SQL, and any edit behind the API's back is named by verify."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ADMIN, ADMIN_PASSWORD, CLINICIAN, CLINICIAN_PASSWORD
from vault_helpers import SleepRecorder, raw_connection, synthetic_recording

from workstation.errors import PermissionDenied, VaultCorrupt, VaultLocked
from workstation.vault import audit
from workstation.vault.driver import IntegrityError
from workstation.vault.entities import Analysis
from workstation.vault.vault import Vault


def _busy_vault(new_vault: Callable[..., tuple[Vault, str]]) -> tuple[Vault, str]:
    vault, recovery_key = new_vault()
    patient = vault.add_patient("A-1", "Audit Patient")
    for seed in range(3):
        vault.save_session(patient.id, synthetic_recording(seed, channels=1, samples=32))
    vault.list_sessions()
    return vault, recovery_key


def _drop_triggers(conn) -> None:
    for trigger in audit.TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")


def test_every_kind_of_event_is_audited_without_patient_names(
    new_vault: Callable[..., tuple[Vault, str]],
) -> None:
    vault, _ = _busy_vault(new_vault)
    vault.load_recording(1)
    vault.lock()
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    report = vault.verify()
    vault.export_report(
        vault.save_report(1, "report", b"%PDF"), vault.paths.database.with_name("r.pdf")
    )
    entries = vault.audit_log()
    actions = {e.action for e in entries}
    assert {
        "create",
        "user_add",
        "edit",
        "list",
        "open",
        "lock",
        "unlock",
        "verify",
        "export",
    } <= actions
    assert report.audit_rows >= 9
    text = " ".join(f"{e.username} {e.target} {e.detail}" for e in entries)
    assert "Audit Patient" not in text and "A-1" not in text
    assert "patient:1" in text


def test_sql_refuses_updates_and_deletes(new_vault: Callable[..., tuple[Vault, str]]) -> None:
    vault, recovery_key = _busy_vault(new_vault)
    conn = raw_connection(vault.paths.database, recovery_key)
    with pytest.raises(IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET detail = 'nothing happened' WHERE id = 3")
    with pytest.raises(IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit WHERE id = 3")
    conn.close()
    vault.verify()


@pytest.mark.parametrize(
    ("tamper", "row", "words"),
    [
        ("UPDATE audit SET detail = 'nothing happened' WHERE id = 4", 4, "altered"),
        ("UPDATE audit SET username = 'someone-else' WHERE id = 2", 2, "altered"),
        ("DELETE FROM audit WHERE id = 5", 5, "missing"),
        ("DELETE FROM audit WHERE id IN (3, 4, 5)", 3, "missing"),
        ("DELETE FROM audit WHERE id >= 6", 6, "newest rows were deleted"),
    ],
)
def test_verify_names_the_first_row_changed_behind_the_api(
    new_vault: Callable[..., tuple[Vault, str]], tamper: str, row: int, words: str
) -> None:
    vault, recovery_key = _busy_vault(new_vault)
    conn = raw_connection(vault.paths.database, recovery_key)
    _drop_triggers(conn)
    conn.execute(tamper)
    conn.close()

    with pytest.raises(VaultCorrupt, match=words) as caught:
        vault.verify()
    assert caught.value.row == row
    assert f"row {row}" in str(caught.value) or f"rows {row}" in str(caught.value)
    assert "restore" in str(caught.value)


def test_rewritten_row_with_recomputed_hash_is_still_named(
    new_vault: Callable[..., tuple[Vault, str]],
) -> None:
    vault, recovery_key = _busy_vault(new_vault)
    conn = raw_connection(vault.paths.database, recovery_key)
    _drop_triggers(conn)
    row = conn.execute(
        "SELECT id, time, username, action, target, outcome, prev_hash FROM audit WHERE id = 4"
    ).fetchone()
    forged = audit.row_hash(row[0], row[1], row[2], row[3], row[4], row[5], "harmless", row[6])
    conn.execute("UPDATE audit SET detail = 'harmless', hash = ? WHERE id = 4", [forged])
    conn.close()
    with pytest.raises(VaultCorrupt, match="row 4 was altered") as caught:
        vault.verify()
    assert caught.value.row == 4


def test_removed_triggers_alone_fail_verification(
    new_vault: Callable[..., tuple[Vault, str]],
) -> None:
    vault, recovery_key = _busy_vault(new_vault)
    conn = raw_connection(vault.paths.database, recovery_key)
    _drop_triggers(conn)
    conn.close()
    with pytest.raises(VaultCorrupt, match="append-only protection was removed"):
        vault.verify()


def test_failed_verification_is_itself_audited(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, recovery_key = _busy_vault(new_vault)
    conn = raw_connection(vault.paths.database, recovery_key)
    _drop_triggers(conn)
    conn.execute("UPDATE audit SET detail = 'x' WHERE id = 2")
    conn.close()
    with pytest.raises(VaultCorrupt):
        vault.verify()
    last = vault.audit_log()[-2]
    assert (last.action, last.outcome) == ("verify", "failed")
    assert "row 2" in last.detail


def test_triggers_recreated_to_refuse_nothing_fail_verification(
    new_vault: Callable[..., tuple[Vault, str]],
) -> None:
    vault, recovery_key = _busy_vault(new_vault)
    vault.verify()
    conn = raw_connection(vault.paths.database, recovery_key)
    conn.execute("DROP TRIGGER audit_refuse_update")
    conn.execute("CREATE TRIGGER audit_refuse_update BEFORE UPDATE ON audit BEGIN SELECT 1; END")
    conn.close()
    with pytest.raises(VaultCorrupt, match="audit_refuse_update changed"):
        vault.verify()


def test_each_kind_of_event_named_in_the_issue_leaves_its_row(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, _ = new_vault()
    patient = vault.add_patient("EV-1", "Event Patient")
    session_id = vault.save_session(patient.id, synthetic_recording(1, channels=1, samples=32))
    vault.load_recording(vault.list_recordings(session_id)[0].id)
    vault.save_analysis(session_id, Analysis("ecg-test", {"hr": 60}))
    vault.add_note(session_id, "a note")
    vault.export_report(vault.save_report(session_id, "r", b"%PDF"), vault_path.with_name("r.pdf"))
    vault.add_user("erin", "erin password 1", "clinician")
    vault.change_password("erin", "erin password 2")
    vault.remove_user("erin")
    vault.verify()
    vault.close()
    again = Vault(vault_path, sleep=SleepRecorder())
    with pytest.raises(VaultLocked):
        again.unlock(ADMIN, "not the password")
    again.unlock(ADMIN, ADMIN_PASSWORD)
    again.lock()
    again.unlock(ADMIN, ADMIN_PASSWORD)

    rows = [(e.action, e.outcome) for e in again.audit_log()]
    for expected in [
        ("login", "ok"),
        ("login_failed", "failed"),
        ("unlock", "ok"),
        ("lock", "ok"),
        ("open", "ok"),
        ("list", "ok"),
        ("edit", "ok"),
        ("analysis", "ok"),
        ("export", "ok"),
        ("user_add", "ok"),
        ("password_change", "ok"),
        ("user_remove", "ok"),
        ("verify", "ok"),
    ]:
        assert expected in rows, expected
    again.verify()
    again.close()


def test_verify_reports_a_damaged_page_found_by_cipher_integrity_check(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, _ = new_vault()
    patient = vault.add_patient("PG-1", "Someone")
    vault.close()
    before = vault_path.stat().st_size
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    vault.save_session(patient.id, synthetic_recording(2, channels=8, samples=40_000))
    vault.close()
    after = vault_path.stat().st_size
    assert after - before > 20 * 4096, "the recording must fill many pages"
    page = (before + after) // 2 // 4096
    with vault_path.open("r+b") as damaged:
        damaged.seek(page * 4096 + 200)
        damaged.write(b"\x00" * 16)

    vault.unlock(ADMIN, ADMIN_PASSWORD)
    with pytest.raises(VaultCorrupt, match="pages failed their integrity check") as caught:
        vault.verify()
    assert "restore" in str(caught.value)
    vault.close()


def test_exporting_the_log_is_audited_and_for_administrators_only(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, _ = _busy_vault(new_vault)
    out = vault_path.with_name("audit.csv")
    vault.export_audit(b"id,time\n1,x\n", 1, out)
    assert out.read_bytes() == b"id,time\n1,x\n"
    [row] = [e for e in vault.audit_log() if e.action == "export" and e.target == "audit"]
    assert (row.outcome, row.detail) == ("ok", "1 rows exported")

    vault.lock()
    vault.unlock(CLINICIAN, CLINICIAN_PASSWORD)
    with pytest.raises(PermissionDenied):
        vault.export_audit(b"x", 1, vault_path.with_name("denied.csv"))
    assert not vault_path.with_name("denied.csv").exists()
    vault.lock()
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    denied = [e for e in vault.audit_log() if e.target == "audit" and e.outcome == "denied"]
    assert denied and denied[-1].username == CLINICIAN
