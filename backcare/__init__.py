"""Pure-Python core of the back-care assistant: knowledge base, clinic settings,
citation rendering and the red-flag screen. No Rasa imports here, so the Rasa server
(NLU component), the action server and the tests can all share it."""
