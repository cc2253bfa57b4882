from . import mail
from . import portal
