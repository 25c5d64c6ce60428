"""Readers that turn the files clinicians bring into Recordings, or raise clear errors."""

from workstation.io.detect import detect_format, read_recording

__all__ = ["detect_format", "read_recording"]
