from . import support_ticket_reclassify
