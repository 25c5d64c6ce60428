"""The EEG viewer: paged traces in a montage, filters, the analysis timeline."""
