"""Custom NLU components. Importing the package (Rasa does, to load the model) also
applies the per-turn fixes in runtime_tuning."""
from components import runtime_tuning

runtime_tuning.apply()
