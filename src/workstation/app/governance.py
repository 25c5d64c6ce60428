"""The vault's governance for the GUI: the audit log filtered and in words, and versions.

Qt-free use cases behind Tools › Audit log… and Help › About. They use only the vault's
public methods (``audit_log``, ``verify``, ``find_patient``, ``list_*``), so the vault's
own rules apply unchanged: the log is for administrators, and every read, including the
reads that resolve a patient's sessions for the patient filter, is itself audited.
"""

from __future__ import annotations

import csv
import io
import platform
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path

from workstation import __version__
from workstation.app.progress import Progress
from workstation.errors import VaultCorrupt
from workstation.vault import AuditEntry, Vault
from workstation.vault.audit import Action

#: Rows fetched per ``audit_log`` call; each call adds one audited "list audit" row itself.
PAGE_ROWS = 5000
CSV_COLUMNS = ("id", "time", "username", "action", "target", "outcome", "detail")


@dataclass(frozen=True)
class AuditQuery:
    """What the reviewer narrows the log to; empty fields do not filter."""

    patient: str = ""  # a hospital number: rows naming that patient or their sessions' data
    user: str = ""
    action: str = ""
    text: str = ""  # in the object or the detail, any case
    date_from: date | None = None
    date_to: date | None = None  # inclusive; the log's times are UTC


@dataclass(frozen=True)
class AuditView:
    """The rows that pass the query (oldest first), out of ``total`` in the log."""

    rows: tuple[AuditEntry, ...]
    total: int
    users: tuple[str, ...]  # everyone who appears in the log, for the user filter
    note: str  # what the patient filter matched, in words ("" without one)


@dataclass(frozen=True)
class ChainCheck:
    """The result of Verify chain, pass or fail, in words a reviewer can act on."""

    intact: bool
    text: str


def read_audit(vault: Vault, query: AuditQuery, progress: Progress) -> AuditView:
    """The whole log, then the query applied; PermissionDenied for non-administrators."""
    progress.step(5, "Reading the audit log…")
    entries: list[AuditEntry] = []
    while True:
        page = vault.audit_log(entries[-1].id if entries else 0, PAGE_ROWS)
        entries.extend(page)
        if len(page) < PAGE_ROWS:
            break
        progress.step(min(80, 5 + len(entries) // 1000), f"Read {len(entries)} audit rows…")
    targets, note = _patient_targets(vault, query.patient.strip(), progress)
    users = tuple(sorted({e.username for e in entries}))
    rows = tuple(e for e in entries if _passes(e, query, targets))
    return AuditView(rows, len(entries), users, note)


def _patient_targets(
    vault: Vault, identifier: str, progress: Progress
) -> tuple[frozenset[str] | None, str]:
    """The audit targets that belong to one patient: the patient, their sessions and the
    recordings, analyses, notes and reports of those sessions (None: no patient filter)."""
    if not identifier:
        return None, ""
    progress.step(85, "Finding the patient's sessions…")
    patient = vault.find_patient(identifier)
    if patient is None:
        return frozenset(), f"No patient has the hospital number '{identifier}'."
    targets = {f"patient:{patient.id}"}
    sessions = vault.list_sessions(patient.id)
    for session in sessions:
        sid = session.id
        targets.add(f"session:{sid}")
        targets.update(f"recording:{r.id}" for r in vault.list_recordings(sid))
        targets.update(f"analysis:{a.id}" for a in vault.list_analyses(sid))
        targets.update(f"note:{n.id}" for n in vault.list_notes(sid))
        targets.update(f"report:{r.id}" for r in vault.list_reports(sid))
    return frozenset(targets), (
        f"Rows naming {patient.name} ({patient.identifier}), their {len(sessions)} "
        "session(s) and the recordings, analyses, notes and reports in them."
    )


def _passes(entry: AuditEntry, query: AuditQuery, targets: frozenset[str] | None) -> bool:
    day = date.fromisoformat(entry.time[:10])
    text = query.text.strip().lower()
    return (
        (targets is None or entry.target in targets)
        and (not query.user or entry.username == query.user)
        and (not query.action or entry.action == query.action)
        and (not text or text in entry.target.lower() or text in entry.detail.lower())
        and (query.date_from is None or day >= query.date_from)
        and (query.date_to is None or day <= query.date_to)
    )


def audit_actions() -> tuple[str, ...]:
    """Every action the vault records, for the action filter."""
    return tuple(action.value for action in Action)


def check_chain(vault: Vault, progress: Progress) -> ChainCheck:
    """``vault.verify()`` in words: a broken chain is a result to show, not a crash."""
    progress.step(10, "Verifying the audit chain, signatures and every page…")
    try:
        report = vault.verify()
    except VaultCorrupt as error:
        return ChainCheck(False, f"The vault failed verification. {error}")
    anchors = (
        f", {report.anchors_checked} anchor record(s) matched" if report.anchors_checked else ""
    )
    return ChainCheck(
        True,
        f"The audit chain is intact: {report.audit_rows} rows checked, {report.signed_rows} of "
        f"them signed{anchors}; every page and every clinical row's content hash matched. "
        f"Chain head {report.audit_head[:16]}…",
    )


def audit_csv(rows: tuple[AuditEntry, ...]) -> str:
    """The rows as CSV (the columns a reviewer reads; hashes and signatures stay inside)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows([getattr(e, column) for column in CSV_COLUMNS] for e in rows)
    return out.getvalue()


def export_audit_csv(vault: Vault, rows: tuple[AuditEntry, ...], path: Path) -> Path:
    """Write the rows to ``path``, owner-only (0600) like every export from the vault, and
    audited: the extract leaves the vault's protection."""
    return vault.export_audit(audit_csv(rows).encode("utf-8"), len(rows), path)


def component_versions() -> list[tuple[str, str]]:
    """The program's and its runtime's versions, read from package metadata so that
    onnxruntime itself is not imported just to be named."""
    versions = [("Clinician Workstation", __version__), ("Python", platform.python_version())]
    for label, names in (
        ("ONNX Runtime", ("onnxruntime", "onnxruntime-gpu")),
        ("NumPy", ("numpy",)),
        ("SQLCipher driver", ("sqlcipher3", "sqlcipher3-binary")),
        ("reportlab", ("reportlab",)),
    ):
        versions.append((label, _installed(names)))
    return versions


def _installed(names: tuple[str, ...]) -> str:
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"
