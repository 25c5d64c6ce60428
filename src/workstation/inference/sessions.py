"""onnxruntime sessions on the best device present, with the device actually used reported.

``onnxruntime-gpu`` silently falls back to the CPU when CUDA libraries are missing, so the
provider is read back from the session rather than assumed from what was asked for.
Threads are set deliberately: on a shared ward PC, default thread pools oversubscribe the
cores and make small models a hundred times slower.
"""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort

from workstation.offline import confirm_telemetry_off

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"


def available_providers(prefer_gpu: bool = True) -> list[str]:
    """CUDA first when the installed onnxruntime offers it, the CPU always as fallback."""
    offered = ort.get_available_providers()
    return ([CUDA] if prefer_gpu and CUDA in offered else []) + [CPU]


def create_session(
    model: Path | bytes, threads: int = 1, prefer_gpu: bool = True
) -> ort.InferenceSession:
    """A session for a verified model file (or its bytes) on the best available device."""
    confirm_telemetry_off(ort)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    source = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(source, options, providers=available_providers(prefer_gpu))


def active_provider(session: ort.InferenceSession) -> str:
    """The provider that really runs the first node: what the UI shows as the device."""
    return session.get_providers()[0]
