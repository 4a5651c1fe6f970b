"""The registry's and the lists' admin, registered on the shared site (config.admin) in this order."""

from . import registry, lists, access  # noqa: F401, I001  (registration order: the registry, the lists, access)
from . import departments  # noqa: F401, E402  (吹哨报到: the departments' register)
from . import reporting  # noqa: F401, E402  (双报到, after the lists)
from . import intake  # noqa: F401, E402  (residents' submissions, after the lists)
