"""The summary of a recording that `workstation inspect` prints and the app shows."""

from __future__ import annotations

from collections import Counter
from typing import Any

from workstation.recording import Recording


def summarize(recording: Recording) -> dict[str, Any]:
    """Everything a clinician or a script needs to know about a file before opening it."""
    labels = Counter(a.label for a in recording.annotations)
    return {
        "file": recording.source_name,
        "format": recording.source_format,
        "modality": recording.modality.value,
        "n_channels": recording.n_channels,
        "channels": [
            {"name": name, "unit": unit}
            for name, unit in zip(recording.channel_names, recording.units, strict=True)
        ],
        "sampling_rate_hz": recording.fs,
        "n_samples": recording.n_samples,
        "duration_s": round(recording.duration, 6),
        "start_time": recording.start_time.isoformat() if recording.start_time else None,
        "n_annotations": len(recording.annotations),
        "annotation_labels": dict(labels.most_common(20)),
        "has_gaps": recording.has_gaps,
        "sha256": recording.source_sha256,
        "warnings": list(recording.warnings),
    }


def format_summary(summary: dict[str, Any]) -> str:
    """The summary as aligned text for a terminal."""
    channels = ", ".join(
        f"{c['name']} ({c['unit']})" if c["unit"] else c["name"] for c in summary["channels"]
    )
    minutes, seconds = divmod(summary["duration_s"], 60)
    rows = [
        ("File", summary["file"]),
        ("Format", summary["format"]),
        ("Modality", summary["modality"].upper()),
        ("Channels", f"{summary['n_channels']}: {channels}"),
        ("Sampling rate", f"{summary['sampling_rate_hz']:g} Hz"),
        ("Duration", f"{int(minutes)} min {seconds:.3f} s ({summary['n_samples']:,} samples)"),
        ("Start", summary["start_time"] or "not stated"),
        ("Annotations", str(summary["n_annotations"])),
        ("Gaps", "yes (missing samples)" if summary["has_gaps"] else "none"),
        ("SHA-256", summary["sha256"]),
    ]
    rows += [("Warning", w) for w in summary["warnings"]]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)
