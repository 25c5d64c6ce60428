"""Clinician Workstation: offline review of ECG, EEG and video vitals."""

from workstation.offline import switch_off_telemetry

switch_off_telemetry()  # before any engine can import onnxruntime (see workstation.offline)

__version__ = "0.1.0"
