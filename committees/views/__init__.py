"""The liaisons' pages of the lists (resources, needs, claims, collection rounds)."""
