"""Wellness observation: face affect, voice arousal and motion, fused transparently.

A clinician-facing observation aid, never a diagnosis: every number carries its quality,
a modality whose quality fails is "not measurable", and the fusion compares the patient only
with their own earlier sessions. Raw frames and audio are analysed in memory and dropped.
"""
