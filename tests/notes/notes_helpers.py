"""Constants shared by the clinical-notes tests and their fixtures."""

from workstation.vault import Argon2Params

#: Argon2id at its lowest cost: these tests exercise the notes, not key stretching.
FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)
USER, PASSWORD = "admin", "admin password 1"
