"""The shipped models' cards, in words a clinician reads, and whether each file is the one
its card describes.

Help › Models…, Help › About and the ECG workspace's "Model card…" link show these. The card
(``models/<name>.json``) is the model's own account of itself: what it does, on what data,
how good it measured and where it fails. The file's sha256 is recomputed here, so the screen
says whether the model that would run is the one the card speaks for (``load_model`` refuses
it otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workstation.inference.cards import models_dir, read_card, sha256_of

NOT_STATED = "Not stated in the card."


@dataclass(frozen=True)
class ModelCard:
    name: str
    version: str
    created: str
    task: str
    architecture: str
    intended_use: str
    limitations: str
    training_data: tuple[tuple[str, str], ...]  # (what, value): data set, licence, split…
    metrics: tuple[str, ...]  # one readable line per measured result, CIs beside the value
    calibration: tuple[str, ...]  # one line per stated fact
    sha256: str  # as the card states it
    file_sha256: str | None  # as the file on disk hashes now; None: no file

    @property
    def file_matches(self) -> bool:
        return self.file_sha256 is not None and self.file_sha256 == self.sha256

    @property
    def status(self) -> str:
        if self.file_sha256 is None:
            return "Model file missing: this model cannot run."
        if self.file_matches:
            return "The model file matches the card (sha256 verified)."
        return "The model file differs from its card: the workstation refuses to run it."


def shipped_models() -> list[ModelCard]:
    """Every card in the models folder, by name."""
    directory = models_dir()
    return [model_card(path.stem) for path in sorted(directory.glob("*.json"))]


def model_card(name: str) -> ModelCard:
    """One card (ModelMissing when there is none), with its file's hash checked."""
    card = read_card(name)
    path = models_dir() / str(card.get("file", f"{name}.onnx"))
    return ModelCard(
        name=str(card.get("name", name)),
        version=str(card.get("version", "")),
        created=str(card.get("created", "")),
        task=str(card.get("task", NOT_STATED)),
        architecture=str(card.get("architecture", NOT_STATED)),
        intended_use=str(card.get("intended_use", NOT_STATED)),
        limitations=str(card.get("limitations", NOT_STATED)),
        training_data=tuple(_pairs(card.get("training_data", {}))),
        metrics=tuple(_metric_lines(card.get("metrics", {}), ())),
        calibration=_calibration(card),
        sha256=str(card.get("sha256", "")),
        file_sha256=sha256_of(path.read_bytes()) if path.is_file() else None,
    )


def _label(key: str) -> str:
    """'sensitivity_pct' → 'sensitivity %', 'error_sd_ms' → 'error sd ms'."""
    return key.replace("_pct", " %").replace("_", " ").strip()


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _pairs(section: Any) -> list[tuple[str, str]]:
    if not isinstance(section, dict):
        return [("Data", _value(section))]
    return [(_label(key).capitalize(), _value(value)) for key, value in section.items()]


def _ci_partner(key: str, siblings: dict[str, Any]) -> str | None:
    """The value a '…ci95…' interval belongs to: 'auc_ci95' → 'auc', 'f1_ci95_pct' →
    'f1_pct', a bare 'ci95' → the dict's 'auc'."""
    for base in (key.replace("_ci95", ""), key.replace("ci95_", ""), "auc"):
        if base != key and base in siblings:
            return base
    return None


def _metric_lines(metrics: Any, path: tuple[str, ...]) -> list[str]:
    """One line per dict of numbers, each value with its 95% CI beside it."""
    if not isinstance(metrics, dict):
        return [f"{' › '.join(path)}: {_value(metrics)}"]
    lines: list[str] = []
    parts: list[str] = []
    intervals = {
        _ci_partner(k, metrics): v
        for k, v in metrics.items()
        if "ci95" in k and isinstance(v, list) and len(v) == 2
    }
    for key, value in metrics.items():
        if "ci95" in key and _ci_partner(key, metrics) is not None:
            continue
        if isinstance(value, dict):
            lines.extend(_metric_lines(value, (*path, _label(key))))
            continue
        sep = ": " if isinstance(value, str) else " "
        text = f"{_label(key)}{sep}{_value(value)}"
        if key in intervals:
            low, high = intervals[key]
            text += f" (95% CI {_value(low)}–{_value(high)})"
        parts.append(text)
    if parts:
        prefix = f"{' › '.join(path)}: " if path else ""
        lines.insert(0, prefix + ", ".join(parts))
    return lines


def _calibration(card: dict[str, Any]) -> tuple[str, ...]:
    """What the card says about calibration and the decision threshold, one line each; a
    reliability curve reads as predicted → observed per bin."""
    lines: list[str] = []
    for key, value in card.items():
        if "calibrat" not in key.lower():
            continue
        items = value.items() if isinstance(value, dict) else [(key, value)]
        for name, item in items:
            if name.endswith("_ci95"):
                continue
            label = _label(name)
            if (
                isinstance(item, list)
                and item
                and all(isinstance(b, dict) and {"predicted", "observed"} <= b.keys() for b in item)
            ):
                label += " (predicted → observed)"
                item = ", ".join(
                    f"{_value(b['predicted'])} → {_value(b['observed'])} (n {b.get('n', '?')})"
                    for b in item
                )
            text = f"{label}: {_value(item)}"
            interval = value.get(f"{name}_ci95") if isinstance(value, dict) else None
            if isinstance(interval, list) and len(interval) == 2:
                text += f" (95% CI {_value(interval[0])}–{_value(interval[1])})"
            lines.append(text)
    if "threshold" in card:
        lines.append(f"decision threshold {_value(card['threshold'])}")
    if "threshold_rule" in card:
        lines.append(f"threshold rule: {_value(card['threshold_rule'])}")
    return tuple(lines) or (NOT_STATED,)
