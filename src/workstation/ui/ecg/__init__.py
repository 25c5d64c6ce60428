"""The ECG review workspace: true-size paper, masks, calipers, statements and notes."""
