"""Clinician Workstation: offline review of ECG, EEG and video vitals."""

__version__ = "0.1.0"
