from . import test_partner, test_security, test_topic
