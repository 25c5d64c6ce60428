"""What counts as no signal at all in an ECG lead, before anything is measured on it."""

from __future__ import annotations

#: A disconnected electrode: under 10 µV of variation after filtering.
FLAT_MV = 0.01
