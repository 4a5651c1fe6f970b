"""The pipeline's and the outcomes' admin, registered on the shared site (config.admin) in this order, and the
home page's panels."""

from . import runs, topics, meetings, outcomes, panels  # noqa: F401, I001  (registration order)
from . import summons  # noqa: F401, E402  (吹哨报到)
from . import volunteering  # noqa: F401, E402  (双报到)
from . import residents  # noqa: F401, E402  (residents' ratings and surveys, last)
