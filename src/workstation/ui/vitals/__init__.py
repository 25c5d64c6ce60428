"""The vitals trend view: a patient's vitals across sessions, NEWS2 bands and the risk."""
