"""Vitals: observation sets, NEWS2, trends across a patient's sessions and the risk model."""
