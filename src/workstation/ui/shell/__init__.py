"""The application shell: main window, sign-in and lock, preferences, patients and sessions."""
