"""The detached signature of an exported report (``report.pdf.sig``) and its verification.

A PDF exported from the vault is signed with the exporting user's own Ed25519 key (the key
their password opens, which signs their audit rows; ``Vault.sign_report``). The signature goes
into a small JSON file beside the PDF rather than into the PDF, so the PDF's bytes are exactly
the bytes stored in the vault and any reader can open it. ``verify_report`` checks that the
PDF's SHA-256 is the one signed and that the signature is the stated key's; it can say *that*
key signed, not *whose* key it is: tying the key to a vault user needs the vault
(``Vault.key_belonged_to``), which ``workstation verify-report --vault`` asks.

Pure: no Qt, no vault connection.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from workstation.errors import SignatureInvalid
from workstation.vault.files import create_private_file, reported_as_vault_error
from workstation.vault.signing import DOCUMENT_CONTEXT, DetachedSignature

ALGORITHM = "Ed25519"
SUFFIX = ".sig"
_FIELDS = ("signer", "public_key", "sha256", "signed_at", "signature")


def signature_path(pdf: Path) -> Path:
    """Where a PDF's signature goes: beside it, its name plus '.sig'."""
    return pdf.with_name(pdf.name + SUFFIX)


def signature_json(signature: DetachedSignature) -> str:
    document = {
        "format": DOCUMENT_CONTEXT,
        "algorithm": ALGORITHM,
        **{name: getattr(signature, name) for name in _FIELDS},
    }
    return json.dumps(document, indent=2) + "\n"


def write_signature(signature: DetachedSignature, pdf: Path) -> Path:
    """Write the signature beside the PDF (owner-only, like the PDF); its path."""
    target = signature_path(pdf)
    with reported_as_vault_error("the report's signature to", target):
        create_private_file(target, signature_json(signature).encode("utf-8"))
    return target


def read_signature(path: Path) -> DetachedSignature:
    """The signature in ``path``; SignatureInvalid when it is missing or not one of ours."""
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError as error:
        raise SignatureInvalid(
            f"The signature file '{path}' is missing: the report cannot be shown to be signed.",
            "Export the report from the workstation again (it writes the .sig beside the PDF), "
            "or give the signature file with --signature.",
        ) from error
    except OSError as error:
        raise SignatureInvalid(
            f"The signature file '{path}' cannot be read ({error.strerror}).",
            "Check the path and its permissions.",
        ) from error
    except ValueError as error:
        raise _malformed(path, "it is not JSON") from error
    if not isinstance(document, dict):
        raise _malformed(path, "it is not a signature document")
    if document.get("format") != DOCUMENT_CONTEXT or document.get("algorithm") != ALGORITHM:
        raise _malformed(path, f"it is not a {ALGORITHM} report signature ({DOCUMENT_CONTEXT})")
    missing = [name for name in _FIELDS if not isinstance(document.get(name), str)]
    if missing:
        raise _malformed(path, f"it lacks {', '.join(missing)}")
    return DetachedSignature(*(document[name] for name in _FIELDS))


def _malformed(path: Path, why: str) -> SignatureInvalid:
    return SignatureInvalid(
        f"The signature file '{path}' is malformed: {why}.",
        "Use the .sig file the workstation wrote beside the PDF when it exported the report.",
    )


@dataclass(frozen=True, slots=True)
class VerifiedReport:
    """A report whose bytes are the ones signed, and who signed it with which key."""

    pdf: Path
    signature_file: Path
    signature: DetachedSignature


def verify_report(pdf: Path, signature_file: Path | None = None) -> VerifiedReport:
    """Check ``pdf`` against its detached signature (default: ``pdf`` + '.sig').

    SignatureInvalid, saying which, when the PDF cannot be read, its bytes are not the ones
    signed (changed by even one byte), or the signature is not the stated key's.
    """
    sig_path = signature_file or signature_path(pdf)
    try:
        data = pdf.read_bytes()
    except OSError as error:
        raise SignatureInvalid(
            f"The report '{pdf}' cannot be read ({error.strerror}).",
            "Check the path and try again.",
        ) from error
    signature = read_signature(sig_path)
    digest = hashlib.sha256(data).hexdigest()
    if digest != signature.sha256:
        raise SignatureInvalid(
            f"The report '{pdf.name}' is not the PDF that was signed: its SHA-256 is {digest}, "
            f"the signature is over {signature.sha256}. The file was changed after it was "
            "signed, or the signature belongs to another report.",
            "Do not rely on this copy; export the report from the workstation again.",
        )
    if not signature.is_valid():
        raise SignatureInvalid(
            f"The signature in '{sig_path.name}' does not verify with its public key "
            f"{signature.public_key}: the signature file was altered, or it was made with "
            "another key than the one it names.",
            "Do not rely on this copy; export the report from the workstation again.",
        )
    return VerifiedReport(pdf, sig_path, signature)
