"""Complaints get a person: spotted in inbound email, confirmed by a human, answered only after the
empathy checklist, and followed up by a human.
"""
