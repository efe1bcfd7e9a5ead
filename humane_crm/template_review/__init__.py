"""Reviewed templates: Email Template's review state, its four-eyes actions, and the checks every
outgoing message passes (placeholders, unapproved templates, personal notes).
"""
