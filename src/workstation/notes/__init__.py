"""Clinical notes: offline, rule-based extraction of symptoms, medications and conditions,
with negation and the other ConText flags (historical, family, hypothetical, uncertain)."""
