"""The registry's and the lists' admin, registered on the shared site (config.admin) in this order."""

from . import registry, lists, access  # noqa: F401, I001  (registration order: the registry, the lists, access)
from . import intake  # noqa: F401, E402  (residents' submissions, after the lists)
