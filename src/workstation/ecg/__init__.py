"""ECG engine: preprocessing, segmentation, delineation, measurements and statements."""
