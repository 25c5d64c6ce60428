"""EEG review, headless: channel names, montages, filters, spectrograms, trends, detectors."""
