"""An insider who holds the database key edits the vault behind the API: verify names it.

Each test plays one attack from issue #19 with raw SQL on the live database (sqlcipher3 and
``PRAGMA key``, triggers dropped first, hashes recomputed where that is the attack), or with
the files beside it, and asserts that ``verify`` fails naming the row (the audit row id, or
the table and row of the clinical data). What the README lists as out of scope is tested as
such at the end: a forged backdoor account that signs its own rows is *named*, not
prevented.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import ADMIN, ADMIN_PASSWORD, CLINICIAN, CLINICIAN_PASSWORD
from vault_helpers import FAST_KDF, SleepRecorder, synthetic_recording

from workstation.errors import VaultCorrupt, VaultLocked
from workstation.vault import arrays, audit, keyslots, signing
from workstation.vault.accounts import Role
from workstation.vault.driver import sqlcipher3
from workstation.vault.entities import Analysis, NoteKind
from workstation.vault.keyslots import KeySlotFile
from workstation.vault.vault import Vault


class Insider:
    """Raw SQL on the live database with the key, as a signed-in user's machine holds it."""

    def __init__(self, vault: Vault) -> None:
        key = bytes(vault._key or b"")
        self.conn = sqlcipher3.connect(str(vault.paths.database), isolation_level=None)
        self.conn.execute("PRAGMA cipher_log_level = NONE")
        self.conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        for trigger in audit.TRIGGERS:
            self.conn.execute(f"DROP TRIGGER {trigger}")

    def __call__(self, sql: str, params: list[object] | None = None) -> list[tuple]:
        return self.conn.execute(sql, params or []).fetchall()

    def rechain(self, from_id: int, signer: signing.Signer | None = None) -> None:
        """Recompute every hash from ``from_id`` on (and re-sign with the insider's own key,
        when given), as an insider who read audit.py would."""
        prev = self("SELECT hash FROM audit WHERE id < ? ORDER BY id DESC LIMIT 1", [from_id])
        prev_hash = prev[0][0] if prev else audit.GENESIS_HASH
        rows = self(f"SELECT {audit.COLUMNS} FROM audit WHERE id >= ? ORDER BY id", [from_id])
        for row in rows:
            entry = audit.AuditEntry(*row)
            fields = dict(
                row_id=entry.id,
                time=entry.time,
                username=entry.username,
                action=entry.action,
                target=entry.target,
                outcome=entry.outcome,
                detail=entry.detail,
                prev_hash=prev_hash,
            )
            digest = audit.signed_row_hash(
                **fields,
                content_hash=entry.content_hash,
                content_fields=entry.content_fields,
                signed_by=entry.signed_by,
            )
            signature = entry.signature
            if signer is not None:
                signature = signer.sign(audit.signed_message(digest))
            self(
                "UPDATE audit SET prev_hash = ?, hash = ?, signature = ? WHERE id = ?",
                [prev_hash, digest, signature, entry.id],
            )
            prev_hash = digest

    def close(self) -> None:
        for statement in audit.TRIGGER_DEFINITIONS.values():
            self.conn.execute(statement)
        self.conn.close()


def _carol_signer(vault: Vault) -> signing.Signer:
    """The clinician insider's own key: she knows her password, so she has it."""
    slots = KeySlotFile.load(vault.paths.key_file)
    keys = keyslots.open_slot(slots.vault_id, slots.slots[CLINICIAN], CLINICIAN_PASSWORD)
    signer = keys.signer(CLINICIAN)
    assert signer is not None
    return signer


@pytest.fixture
def ward(vault: Vault) -> Iterator[tuple[Vault, dict[str, int]]]:
    """A vault with one of everything the issue names, written through the API."""
    patient = vault.add_patient("T-1", "Tamper Patient")
    session = vault.save_session(patient.id, synthetic_recording(3, channels=2, samples=600))
    [recording] = vault.list_recordings(session)
    analysis = vault.save_analysis(
        session, Analysis("ecg", {"hr": 61}, arrays={"mask": np.arange(6, dtype=np.uint8)})
    )
    note = vault.add_note(session, "sinus rhythm")
    statement = vault.confirm_statement(session, "Normal ECG", analysis)
    report = vault.save_report(session, "ECG report", b"%PDF-1.7 original")
    vault.list_sessions()
    ids = dict(
        patient=patient.id,
        session=session,
        recording=recording.id,
        analysis=analysis,
        note=note,
        statement=statement,
        report=report,
    )
    vault.verify()
    yield vault, ids


def _named(vault: Vault, *words: str) -> VaultCorrupt:
    with pytest.raises(VaultCorrupt) as caught:
        vault.verify()
    for word in words:
        assert word in caught.value.problem, caught.value.problem
    return caught.value


# The audit itself -----------------------------------------------------------------------


def test_recomputing_the_whole_chain_after_an_edit_is_named(ward) -> None:  # noqa: ANN001
    vault, _ = ward
    spy = Insider(vault)
    spy("UPDATE audit SET detail = 'nothing happened' WHERE id = 5")
    spy.rechain(5)
    spy.close()
    error = _named(vault, "Audit row 5", "not signed by")
    assert error.row == 5


def test_re_signing_an_administrators_row_with_ones_own_key_is_named(ward) -> None:  # noqa: ANN001
    vault, _ = ward
    spy = Insider(vault)
    spy("UPDATE audit SET detail = 'harmless' WHERE id = 6")
    spy.rechain(6, _carol_signer(vault))
    spy.close()
    assert _named(vault, "Audit row 6", f"not signed by '{ADMIN}'").row == 6


def test_backdating_a_row_is_named(ward) -> None:  # noqa: ANN001
    vault, _ = ward
    spy = Insider(vault)
    spy("UPDATE audit SET time = '2020-01-01T00:00:00.000000+00:00' WHERE id = 7")
    spy.rechain(7)
    spy.close()
    assert _named(vault, "Audit row 7").row == 7


def test_deleting_a_row_and_renumbering_the_rest_is_named(ward) -> None:  # noqa: ANN001
    vault, _ = ward
    spy = Insider(vault)
    spy("DELETE FROM audit WHERE id = 8")
    spy("UPDATE audit SET id = id - 1 WHERE id > 8")
    spy("UPDATE sqlite_sequence SET seq = seq - 1 WHERE name = 'audit'")
    spy.rechain(8)
    spy.close()
    assert _named(vault, "Audit row 8").row == 8


def test_a_forged_row_in_someone_elses_name_is_named(ward) -> None:  # noqa: ANN001
    vault, ids = ward
    spy = Insider(vault)
    [(last,)] = spy("SELECT max(id) FROM audit")
    spy(
        "INSERT INTO audit (id, time, username, action, target, outcome, detail, prev_hash, hash,"
        " signed_by, signature) VALUES (?, 't', ?, 'edit', ?, 'ok', 'checked', '', '', ?, '')",
        [last + 1, ADMIN, f"session:{ids['session']}", ADMIN],
    )
    spy.rechain(last + 1, _carol_signer(vault))
    spy.close()
    assert _named(vault, f"Audit row {last + 1}", f"not signed by '{ADMIN}'").row == last + 1


def test_deleting_the_newest_rows_and_lowering_the_sequence_is_named(ward) -> None:  # noqa: ANN001
    vault, _ = ward
    spy = Insider(vault)
    [(last,)] = spy("SELECT max(id) FROM audit")
    spy("DELETE FROM audit WHERE id > ?", [last - 4])
    spy("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit'", [last - 4])
    spy.close()
    error = _named(vault, "its newest rows were deleted")
    assert error.row is not None and error.row > last - 4


def test_hiding_failed_sign_ins_is_named(vault: Vault, vault_path: Path) -> None:
    vault.close()
    with pytest.raises(VaultLocked):
        Vault(vault_path, sleep=SleepRecorder()).unlock(ADMIN, "a wrong guess at it")
    vault.unlock(CLINICIAN, CLINICIAN_PASSWORD)
    spy = Insider(vault)
    [(failed,)] = spy("SELECT min(id) FROM audit WHERE action = 'login_failed'")
    spy("DELETE FROM audit WHERE action = 'login_failed'")
    spy("UPDATE audit SET id = id - 1 WHERE id > ?", [failed])
    spy("UPDATE sqlite_sequence SET seq = seq - 1 WHERE name = 'audit'")
    spy.rechain(failed, _carol_signer(vault))
    spy.close()
    # Every row from the failure on was carol's own, so her re-signing passes the signature
    # check; the anchor written after that sign-in still records the longer chain.
    _named(vault, "is missing", "anchor file")


def test_stripping_signatures_to_pass_as_old_rows_is_named(ward) -> None:  # noqa: ANN001
    vault, _ = ward
    spy = Insider(vault)
    for row in spy(f"SELECT {audit.COLUMNS} FROM audit ORDER BY id"):
        entry = audit.AuditEntry(*row)
        spy(
            "UPDATE audit SET content_hash = '', content_fields = '', signed_by = '',"
            " signature = '' WHERE id = ?",
            [entry.id],
        )
    prev = audit.GENESIS_HASH
    for row in spy("SELECT id, time, username, action, target, outcome, detail FROM audit"):
        digest = audit.row_hash(*row, prev)
        spy("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", [prev, digest, row[0]])
        prev = digest
    spy.close()
    assert _named(vault, "Audit row 1 carries no signature").row == 1


def test_dropping_the_audit_triggers_is_named(ward) -> None:  # noqa: ANN001
    vault, _ = ward
    spy = Insider(vault)
    spy.conn.close()
    _named(vault, "append-only protection was removed")


# Clinical data --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "sql", "table", "field"),
    [
        ("patient", "UPDATE patients SET name = 'Someone Else' WHERE id = ?", "patients", "name"),
        (
            "analysis",
            "UPDATE analyses SET results = '{\"hr\": 120}' WHERE id = ?",
            "analyses",
            "results",
        ),
        (
            "statement",
            f"UPDATE notes SET author = '{CLINICIAN}' WHERE id = ?",
            "notes",
            "author",
        ),
        ("note", "UPDATE notes SET text = 'atrial fibrillation' WHERE id = ?", "notes", "text"),
        ("session", "UPDATE sessions SET status = 'closed' WHERE id = ?", "sessions", "status"),
        ("recording", "UPDATE recordings SET fs = 500.0 WHERE id = ?", "recordings", "fs"),
    ],
)
def test_each_clinical_edit_is_named_with_its_row_and_field(
    ward,  # noqa: ANN001
    what: str,
    sql: str,
    table: str,
    field: str,
) -> None:
    vault, ids = ward
    spy = Insider(vault)
    spy(sql, [ids[what]])
    spy.close()
    _named(vault, f"The {table} row {ids[what]} was changed", f"field: {field}")


def test_a_flat_lined_signal_is_named(ward) -> None:  # noqa: ANN001
    vault, ids = ward
    spy = Insider(vault)
    for seq, count in spy(
        "SELECT seq, n_samples FROM recording_chunks WHERE recording_id = ?", [ids["recording"]]
    ):
        flat = arrays.compress_block(np.zeros((2, count), dtype="<f4"))
        spy(
            "UPDATE recording_chunks SET data = ? WHERE recording_id = ? AND seq = ?",
            [flat, ids["recording"], seq],
        )
    spy.close()
    _named(vault, f"The recordings row {ids['recording']} was changed", "recording_chunks")


def test_an_edited_analysis_array_is_named(ward) -> None:  # noqa: ANN001
    vault, ids = ward
    spy = Insider(vault)
    _, shape, payload = arrays.encode(np.zeros(6, dtype=np.uint8))
    spy("UPDATE analysis_arrays SET data = ? WHERE analysis_id = ?", [payload, ids["analysis"]])
    spy.close()
    _named(vault, f"The analyses row {ids['analysis']} was changed", "analysis_arrays")


def test_a_swapped_report_with_its_sha256_recomputed_is_named(ward) -> None:  # noqa: ANN001
    import hashlib

    vault, ids = ward
    forged = b"%PDF-1.7 forged"
    spy = Insider(vault)
    spy(
        "UPDATE reports SET pdf = ?, sha256 = ? WHERE id = ?",
        [forged, hashlib.sha256(forged).hexdigest(), ids["report"]],
    )
    spy.close()
    _named(vault, f"The reports row {ids['report']} was changed", "pdf", "sha256")


def test_a_deleted_session_is_named(ward) -> None:  # noqa: ANN001
    vault, ids = ward
    spy = Insider(vault)
    for table, column in (
        ("notes", "session_id"),
        ("analysis_arrays", "analysis_id"),
        ("analyses", "session_id"),
        ("recording_chunks", "recording_id"),
        ("recordings", "session_id"),
        ("reports", "session_id"),
    ):
        key = ids["analysis"] if column == "analysis_id" else ids["recording"]
        key = ids["session"] if column == "session_id" else key
        spy(f"DELETE FROM {table} WHERE {column} = ?", [key])
    spy("DELETE FROM sessions WHERE id = ?", [ids["session"]])
    spy.close()
    _named(vault, "was deleted after audit row")


def test_a_row_inserted_without_the_api_is_named(ward) -> None:  # noqa: ANN001
    vault, ids = ward
    spy = Insider(vault)
    spy(
        "INSERT INTO notes (session_id, kind, text, author, created_at)"
        " VALUES (?, ?, 'confirmed by the cardiologist', ?, 't')",
        [ids["session"], str(NoteKind.CONFIRMED_STATEMENT), ADMIN],
    )
    [(new_id,)] = spy("SELECT max(id) FROM notes")
    spy.close()
    _named(vault, f"The notes row {new_id} has no audit row")


def test_a_trigger_that_rewrites_new_notes_blocks_writes_and_is_named(ward) -> None:  # noqa: ANN001
    vault, ids = ward
    spy = Insider(vault)
    spy(
        "CREATE TRIGGER quiet AFTER INSERT ON notes BEGIN "
        "UPDATE notes SET text = 'no findings' WHERE id = new.id; END"
    )
    spy.close()
    with pytest.raises(VaultCorrupt, match="trigger 'quiet' on the notes table"):
        vault.add_note(ids["session"], "ST elevation: call the cardiologist")
    spy = Insider(vault)
    assert spy("SELECT count(*) FROM notes WHERE text LIKE 'ST elevation%'") == [(0,)]
    spy("DROP TRIGGER quiet")
    spy.close()
    vault.verify()


# Accounts and keys ----------------------------------------------------------------------


def test_promoting_a_clinician_is_named(ward) -> None:  # noqa: ANN001
    vault, _ = ward
    spy = Insider(vault)
    spy("UPDATE users SET role = 'administrator' WHERE username = ?", [CLINICIAN])
    spy.close()
    _named(vault, f"The users row {CLINICIAN} was changed", "field: role")


def test_a_backdoor_administrator_with_a_forged_slot_is_named(
    ward,  # noqa: ANN001
    vault_path: Path,
) -> None:
    vault, _ = ward
    key = bytes(vault._key or b"")
    slots = KeySlotFile.load(vault.paths.key_file)
    seed = signing.new_seed()
    slots.slots["mallory"] = keyslots.seal_slot(
        slots.vault_id, "mallory", Role.ADMINISTRATOR, "mallory's password", key, FAST_KDF, seed
    )
    slots.save(vault.paths.key_file)
    spy = Insider(vault)
    spy(
        "INSERT INTO users (username, role, created_at, created_by, public_key)"
        " VALUES ('mallory', 'administrator', 't', ?, ?)",
        [ADMIN, signing.signer_from_seed("mallory", seed).public_hex],
    )
    spy.close()
    backdoor = Vault(vault_path, sleep=SleepRecorder())
    backdoor.unlock("mallory", "mallory's password")  # out of scope: the key opens everything
    with pytest.raises(VaultCorrupt, match="signed by 'mallory', who held no signing key"):
        backdoor.verify()
    backdoor.close()


def test_a_forged_user_add_signed_by_a_clinician_is_named(ward) -> None:  # noqa: ANN001
    vault, _ = ward
    carol = _carol_signer(vault)
    spy = Insider(vault)
    [(last,)] = spy("SELECT max(id) FROM audit")
    spy(
        "INSERT INTO audit (id, time, username, action, target, outcome, detail, prev_hash, hash,"
        " signed_by, signature) VALUES (?, 't', ?, 'user_add', 'user:mallory', 'ok', ?, '', '',"
        " ?, '')",
        [last + 1, CLINICIAN, f"role administrator key:{'ab' * 32}", CLINICIAN],
    )
    spy.rechain(last + 1, carol)
    spy.close()
    assert _named(vault, "was not allowed to").row == last + 1


def test_a_replaced_key_slot_for_an_existing_user_is_refused(
    vault: Vault, vault_path: Path
) -> None:
    key = bytes(vault._key or b"")
    slots = KeySlotFile.load(vault.paths.key_file)
    slots.slots[CLINICIAN] = keyslots.seal_slot(
        slots.vault_id, CLINICIAN, Role.CLINICIAN, "the insider's password", key, FAST_KDF
    )
    slots.save(vault.paths.key_file)
    vault.close()
    with pytest.raises(VaultCorrupt, match="does not hold the signing key"):
        Vault(vault_path, sleep=SleepRecorder()).unlock(CLINICIAN, "the insider's password")


def test_a_replaced_public_key_in_the_users_table_is_named(ward) -> None:  # noqa: ANN001
    vault, _ = ward
    spy = Insider(vault)
    spy("UPDATE users SET public_key = ? WHERE username = ?", ["cd" * 32, CLINICIAN])
    spy.close()
    _named(vault, f"The users row {CLINICIAN} was changed", "public_key")


# Files beside the database ----------------------------------------------------------------


def test_rolling_the_vault_back_to_an_older_backup_is_named(
    ward,  # noqa: ANN001
    tmp_path: Path,
    vault_path: Path,
) -> None:
    vault, ids = ward
    old = vault.backup(tmp_path / "backups" / "old.db")
    vault.add_note(ids["session"], "written after the backup")
    vault.close()
    for suffix in ("-wal", "-shm"):
        vault_path.with_name(vault_path.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(old.database, vault_path)
    shutil.copyfile(old.key_file, vault.paths.key_file)
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    error = _named(vault, "rolled back")
    assert error.row is not None and error.row > old.audit_rows


def test_a_deliberate_restore_is_not_mistaken_for_a_rollback(
    ward,  # noqa: ANN001
    tmp_path: Path,
    vault_path: Path,
) -> None:
    vault, ids = ward
    old = vault.backup(tmp_path / "backups" / "old.db")
    vault.add_note(ids["session"], "written after the backup")
    vault.close()
    restored = Vault.restore(old.database, vault_path, ADMIN, ADMIN_PASSWORD, force=True)
    assert restored.verify().anchors_checked > 0
    manifest = json.loads(Path(str(old.database) + ".manifest.json").read_text())
    assert manifest["audit_head"] == old.audit_head
    restored.close()


def test_a_deleted_anchor_file_is_named(ward) -> None:  # noqa: ANN001
    vault, _ = ward
    vault.paths.anchor_file.unlink()
    _named(vault, "anchor file")


def test_an_edited_anchor_line_is_named(ward) -> None:  # noqa: ANN001
    vault, _ = ward
    lines = vault.paths.anchor_file.read_text().splitlines()
    document = json.loads(lines[-1])
    document["head"] = "0" * 64
    lines[-1] = json.dumps(document)
    vault.paths.anchor_file.write_text("\n".join(lines) + "\n")
    _named(vault, "The signature on line")


def test_a_full_rewrite_with_its_anchor_file_is_caught_by_an_exported_anchor(
    ward,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    vault, ids = ward
    (tmp_path / "ward-log").mkdir()
    exported = vault.export_anchor(tmp_path / "ward-log" / "anchor.json")
    assert exported.stat().st_mode & 0o077 == 0
    spy = Insider(vault)
    [(first,)] = spy("SELECT min(id) FROM audit WHERE target = ?", [f"note:{ids['note']}"])
    spy.close()
    # The insider rewrites every row from the note on under their own key and re-signs the
    # anchor file too: without the exported copy nothing local could tell.
    spy = Insider(vault)
    spy("UPDATE notes SET text = 'no findings' WHERE id = ?", [ids["note"]])
    spy.rechain(first, _carol_signer(vault))
    spy.close()
    vault.paths.anchor_file.unlink()
    with pytest.raises(VaultCorrupt) as caught:
        vault.verify(exported)
    assert "exported anchor" in caught.value.problem or "not signed" in caught.value.problem


def test_page_edits_are_named_by_the_page_check(ward, vault_path: Path) -> None:  # noqa: ANN001
    vault, _ = ward
    vault.close()
    size = vault_path.stat().st_size
    with vault_path.open("r+b") as damaged:
        damaged.seek(size // 4096 // 2 * 4096 + 100)
        damaged.write(b"\xff" * 8)
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    _named(vault, "integrity check")


# What stays possible (README, "Threat model") -------------------------------------------


def test_an_insider_can_sign_only_as_themselves_and_verify_attributes_it(
    vault: Vault, vault_path: Path
) -> None:
    patient = vault.add_patient("OWN-1", "Own Rows")
    vault.close()
    carol = Vault(vault_path, sleep=SleepRecorder())
    carol.unlock(CLINICIAN, CLINICIAN_PASSWORD)
    carol.add_note(carol.create_session(patient.id, "ecg"), "written by carol")
    report = carol.verify()
    assert report.signed_rows == report.audit_rows
    rows = [r for r in audit_rows(carol) if r.target.startswith("note:")]
    assert rows and all(r.signed_by == CLINICIAN for r in rows)
    carol.close()


def audit_rows(vault: Vault) -> list[audit.AuditEntry]:
    with vault._reading() as store:
        return list(audit.walk(store.db))
