"""The Wellness tab (face, voice, motion observation; not diagnosis)."""
