# The customer overview (seed S2, "Alles auf einen Blick"): everything about a
# customer on one page, a section per installed app.
from . import res_partner
from . import mail_message
