from . import test_delivery
from . import test_partner
from . import test_security
from . import test_topic
