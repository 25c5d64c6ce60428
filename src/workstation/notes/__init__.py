"""Clinical notes: offline, rule-based entity extraction (symptoms, medications, conditions) with negation and context."""
