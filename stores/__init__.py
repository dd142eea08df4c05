"""Custom Rasa stores for the scaled deployment."""
