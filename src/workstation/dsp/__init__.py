"""Signal processing steps shared by the ECG, EEG and video pipelines: pure NumPy/SciPy."""
