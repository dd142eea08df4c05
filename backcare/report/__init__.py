"""The clinic report (`make report`): what the stored conversations say about the assistant.

Reads Rasa's SQL tracker store (table `events`) with SQLAlchemy only, so SQLite and
PostgreSQL work alike; no Rasa imports here either. `build.build_report` ties the steps
together: store -> turns -> figures (+ groups of unanswered questions) -> HTML and CSV.
"""
