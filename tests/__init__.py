from . import (
    test_composer,
    test_delivery,
    test_dialog_post,
    test_incoming_email,
    test_message_security,
    test_overview,
    test_partner,
    test_rpc,
    test_security,
    test_topic,
    test_tour,
)
