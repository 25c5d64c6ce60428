"""Clinician Workstation: offline review of ECG, EEG and video vitals."""

from workstation.offline import keep_library_files_in_app_folders, switch_off_telemetry

switch_off_telemetry()  # before any engine can import onnxruntime (see workstation.offline)
keep_library_files_in_app_folders()

__version__ = "0.1.0"
