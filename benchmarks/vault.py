"""Vault speed: unlock, save/load of an ECG and of a long EEG, listing, and encryption's cost.

Prints one JSON document (and writes it to ``--out FILE`` when given). Two parts:

* through the ``Vault`` API, as the GUI uses it (audit rows, role checks and durable commits
  included): unlock with the default Argon2id cost, 12-lead 10 s save/load (LUDB record 1 when
  the shared data is present, else a synthetic one of the same shape), 1-hour 19-channel
  256 Hz EEG save/load (synthetic, quantised to 0.1 µV like a 16-bit amplifier, so it
  compresses like real EEG rather than like white noise), and listing 10,000 sessions;
* the same store code on an encrypted and on an unencrypted database (a sqlcipher3 connection
  that is never keyed, so the code path is identical) to report the encrypted/plain ratio
  (medians; EEG figures from 2 runs each, the rest from 20, listing from 5).

Since issue #19 every audited write also signs its row (Ed25519), hashes what it wrote and
appends a line to the anchor file, and ``verify`` checks signatures and content: both are
timed here. ``--kills N`` adds the crash test (tests/vault/vault_crash.py): N SIGKILLs of a
process saving sessions and changing passwords, counting acknowledged writes lost, unaudited
key changes and files left behind (``--only-kills`` runs just that).

Run: ``.venv/bin/python benchmarks/vault.py [--out FILE] [--sessions N] [--kills N]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from bench_common import emit
from scipy.signal import lfilter

from workstation.recording import Modality, Recording
from workstation.vault import connection, schema
from workstation.vault.keyslots import Argon2Params
from workstation.vault.store import Store
from workstation.vault.vault import Vault

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WORKSTATION_DATA", REPO.parent / "shared" / "data"))
PASSWORD = "benchmark password"


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def _median_ms(action: Callable[[], Any], repeats: int) -> float:
    return round(statistics.median(_timed(action)[0] for _ in range(repeats)) * 1000, 2)


def twelve_lead() -> tuple[Recording, str]:
    """LUDB record 1 as the readers deliver it, or a synthetic stand-in of the same shape."""
    header = DATA / "ludb" / "data" / "1.hea"
    if header.exists():
        import wfdb

        record = wfdb.rdrecord(str(header.with_suffix("")), return_res=32)
        signals = record.p_signal.T.astype(np.float32)
        recording = Recording(
            signals,
            record.fs,
            tuple(record.sig_name),
            tuple(record.units),
            modality=Modality.ECG,
            source_name="ludb/1",
        )
        return recording, "LUDB record 1 (12 x 5000 @ 500 Hz)"
    rng = np.random.default_rng(1)
    signals = np.round(rng.standard_normal((12, 5000)) * 200) / 1000
    names = ("i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6")
    recording = Recording(
        signals.astype(np.float32), 500.0, names, ("mV",) * 12, modality=Modality.ECG
    )
    return recording, "synthetic 12 x 5000 @ 500 Hz (shared data absent)"


def hour_of_eeg(channels: int = 19, fs: float = 256.0, seconds: int = 3600) -> Recording:
    """Brown-ish background plus a 10 Hz alpha rhythm, quantised to 0.1 µV."""
    rng = np.random.default_rng(2)
    n = int(fs * seconds)
    background = lfilter([1.0], [1.0, -0.98], rng.standard_normal((channels, n)), axis=1)
    t = np.arange(n) / fs
    alpha = 15.0 * np.sin(2 * np.pi * 10.0 * t + rng.uniform(0, 2 * np.pi, (channels, 1)))
    signals = np.round((background * 4.0 + alpha) * 10.0) / 10.0
    names = tuple(f"EEG {i + 1}" for i in range(channels))
    return Recording(
        signals.astype(np.float32), fs, names, ("uV",) * channels, modality=Modality.EEG
    )


def vault_api(folder: Path, ecg: Recording, eeg: Recording, sessions: int) -> dict[str, Any]:
    kdf = Argon2Params()
    vault, _ = Vault.create(folder / "api" / "vault.db", "admin", PASSWORD, kdf=kdf)
    unlocks = []
    for _ in range(5):
        vault.lock()
        unlocks.append(_timed(lambda: vault.unlock("admin", PASSWORD))[0])
    patient = vault.add_patient("BENCH-1", "Benchmark Patient")
    ecg_save = _median_ms(lambda: vault.save_session(patient.id, ecg), 20)
    note_session = vault.create_session(patient.id, "ecg")
    note_save = _median_ms(lambda: vault.add_note(note_session, "sinus rhythm, 72/min"), 20)
    ecg_id = vault.list_recordings(vault.save_session(patient.id, ecg))[0].id
    ecg_load = _median_ms(lambda: vault.load_recording(ecg_id), 20)
    eeg_save_s, eeg_session = _timed(lambda: vault.save_session(patient.id, eeg))
    eeg_id = vault.list_recordings(eeg_session)[0].id
    eeg_load_s, _ = _timed(lambda: vault.load_recording(eeg_id))
    existing = len(vault.list_sessions())
    create_s, _ = _timed(
        lambda: [vault.create_session(patient.id, "ecg") for _ in range(sessions - existing)]
    )
    listed = vault.list_sessions()
    list_ms = _median_ms(vault.list_sessions, 5)
    verify_s, verified = _timed(vault.verify)
    vault.close()
    return {
        "argon2id": {**kdf.to_json(), "salt_bytes": 16},
        "unlock_s": {
            "median": round(statistics.median(unlocks), 3),
            "runs": [round(u, 3) for u in unlocks],
        },
        "ecg_12lead_10s": {"save_ms_median_of_20": ecg_save, "load_ms_median_of_20": ecg_load},
        "note_save_ms_median_of_20": note_save,
        "verify": {
            "seconds": round(verify_s, 2),
            "audit_rows": verified.audit_rows,
            "signed_rows": verified.signed_rows,
            "anchors_checked": verified.anchors_checked,
        },
        "eeg_1h_19ch_256hz": {
            "save_s": round(eeg_save_s, 2),
            "load_s": round(eeg_load_s, 2),
            "raw_mb": round(eeg.signals.nbytes / 1e6, 1),
        },
        "list_sessions": {
            "sessions": len(listed),
            "ms_median_of_5": list_ms,
            "create_session_ms_mean": round(create_s / (sessions - existing) * 1e3, 2),
        },
    }


class StoreBench:
    """The Store on one database, keyed or never keyed, each write a durable transaction."""

    STAMP = {"actor": "bench", "now": "2026-11-22T00:00:00+00:00"}

    def __init__(self, db_path: Path, key: bytes | None) -> None:
        if key is None:
            self.db = connection.connect(db_path, key=None)
            connection.apply_pragmas(self.db)
        else:
            self.db = connection.open_keyed(db_path, key, create=True)
        self.store = Store(self.db)
        with connection.write_transaction(self.db):
            schema.migrate(self.db)
            self.patient = self.store.add_patient(
                "BENCH-1", "Benchmark Patient", "", None, **self.STAMP
            )

    def save(self, recording: Recording) -> int:
        with connection.write_transaction(self.db):
            session_id = self.store.add_session(self.patient.id, recording.modality, **self.STAMP)
            return self.store.add_recording(session_id, recording, **self.STAMP)

    def load(self, recording_id: int) -> Recording:
        with connection.read_transaction(self.db):
            return self.store.load_recording(recording_id)

    def fill_sessions(self, total: int) -> None:
        existing = len(self.store.sessions())
        with connection.write_transaction(self.db):
            for _ in range(total - existing):
                self.store.add_session(self.patient.id, Modality.ECG, **self.STAMP)

    def stored_mb(self, recording_id: int) -> float:
        stored = self.db.execute(
            "SELECT sum(length(data)) FROM recording_chunks WHERE recording_id = ?",
            [recording_id],
        ).fetchone()[0]
        return round(stored / 1e6, 1)


def encrypted_vs_plain(
    folder: Path, ecg: Recording, eeg: Recording, sessions: int
) -> dict[str, Any]:
    """Interleaves the two databases run by run, so a busy neighbour on the machine slows
    both alike instead of skewing the ratio."""
    benches = {
        "encrypted": StoreBench(folder / "enc.db", os.urandom(32)),
        "plain": StoreBench(folder / "plain.db", None),
    }
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in benches}

    def measure(label: str, action: Callable[[str, StoreBench], Any], repeats: int) -> None:
        for _ in range(repeats):
            for name, bench in benches.items():
                seconds = _timed(lambda name=name, bench=bench: action(name, bench))[0]
                samples[name].setdefault(label, []).append(seconds * 1000)

    ecg_ids = {name: bench.save(ecg) for name, bench in benches.items()}
    eeg_ids = {name: bench.save(eeg) for name, bench in benches.items()}
    measure("ecg_save_ms", lambda name, bench: bench.save(ecg), 20)
    measure("ecg_load_ms", lambda name, bench: bench.load(ecg_ids[name]), 20)
    measure("eeg_save_ms", lambda name, bench: bench.save(eeg), 2)
    measure("eeg_load_ms", lambda name, bench: bench.load(eeg_ids[name]), 2)
    for bench in benches.values():
        bench.fill_sessions(sessions)
    measure("list_ms", lambda name, bench: bench.store.sessions(), 5)
    medians = {
        name: {label: round(statistics.median(values), 2) for label, values in by_label.items()}
        for name, by_label in samples.items()
    }
    for name, bench in benches.items():
        medians[name]["eeg_stored_mb"] = bench.stored_mb(eeg_ids[name])
        connection.close(bench.db)
    labels = list(samples["plain"])
    return {
        **medians,
        "ratio": {k: round(medians["encrypted"][k] / medians["plain"][k], 2) for k in labels},
        "ratio_total": round(
            sum(medians["encrypted"][k] for k in labels) / sum(medians["plain"][k] for k in labels),
            2,
        ),
    }


def crash_test(folder: Path, kills: int) -> dict[str, Any]:
    """SIGKILLs during saves and password changes (tests/vault/vault_crash.py)."""
    sys.path.insert(0, str(REPO / "tests" / "vault"))
    from vault_crash import PASSWORDS, churn_and_kill

    fast = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)  # the kills, not Argon2
    path = folder / "crash" / "vault.db"
    vault, _ = Vault.create(path, "admin", PASSWORD, kdf=fast)
    vault.add_user("kim", PASSWORDS[0], "clinician")
    vault.close()
    started = time.perf_counter()

    def progress(tally: Any) -> None:
        if tally.kills % 25 == 0:
            print(
                f"{tally.kills} kills: {tally.acknowledged_saves} acknowledged saves, "
                f"{tally.lost_saves} lost, {tally.unaudited_key_changes} unaudited key changes, "
                f"{len(tally.leftovers)} leftovers",
                file=sys.stderr,
                flush=True,
            )

    tally = churn_and_kill(path, "kim", kills, verify_every=50, progress=progress)
    return {
        "kills": tally.kills,
        "acknowledged_saves": tally.acknowledged_saves,
        "acknowledged_writes_lost": tally.lost_saves,
        "unaudited_key_changes": tally.unaudited_key_changes,
        "leftover_files_after_next_start": len(tally.leftovers),
        "next_sign_in_s_median": round(statistics.median(tally.sign_in_s), 3),
        "wall_s": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    parser.add_argument("--sessions", type=int, default=10_000, help="sessions to list")
    parser.add_argument("--kills", type=int, default=0, help="SIGKILLs for the crash test")
    parser.add_argument("--only-kills", action="store_true", help="run only the crash test")
    args = parser.parse_args(argv)
    if args.only_kills:
        with tempfile.TemporaryDirectory(prefix="vault-crash-") as scratch:
            emit({"benchmark": "vault-crash", **crash_test(Path(scratch), args.kills)}, args.out)
        return 0
    ecg, ecg_source = twelve_lead()
    eeg = hour_of_eeg()
    with tempfile.TemporaryDirectory(prefix="vault-bench-") as scratch:
        folder = Path(scratch)
        report = {
            "benchmark": "vault",
            "machine": {
                "system": platform.system(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
            },
            "ecg_source": ecg_source,
            "eeg_source": "synthetic 19 x 921600 @ 256 Hz float32, 0.1 uV steps",
            "vault_api": vault_api(folder, ecg, eeg, args.sessions),
            "store_encrypted_vs_plain": encrypted_vs_plain(folder, ecg, eeg, args.sessions),
            "targets": {"unlock_s": 1.0, "ecg_save_ms": 50, "list_10000_sessions_ms": 200},
        }
        if args.kills:
            report["crash"] = crash_test(folder, args.kills)
    emit(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
