"""Custom NLU components, loaded by Rasa by module path from config.yml. Importing them
changes nothing else: the patches of Rasa's internals are applied by patches.apply()."""
