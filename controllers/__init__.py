from . import mail
from . import portal
from . import discuss
