"""Settings split by environment: base, local (the default), test, production."""
