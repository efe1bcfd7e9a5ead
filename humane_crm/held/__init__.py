"""No automated message to a CRM person without a human, and no refused draft lost: hold it, keep
it, let a human release or discard it.
"""
