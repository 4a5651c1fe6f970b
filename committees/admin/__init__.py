"""The registry's and the lists' admin, registered on the shared site (config.admin) in this order."""

from . import registry, lists  # noqa: F401, I001  (registration order: the registry, then the lists)
