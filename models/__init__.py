from . import customer_dialog_topic, res_partner
