"""Custom actions for the back-care assistant (run with `rasa run actions`).

The modules here only glue Rasa trackers to the pure code in `backcare/`.
"""
