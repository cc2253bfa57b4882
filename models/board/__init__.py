# The Community Board: a dialog message discussed by employees in a Discuss
# sub-channel of the board channel, linked both ways, part of the customer file.
from . import discuss_channel
from . import mail_message
from . import res_partner
from . import res_config_settings
from . import res_users
from . import ir_attachment
