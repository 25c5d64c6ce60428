"""Training scripts (torch). Never imported by the app at run time."""
