"""The person: identity keys of records and messages, the person records (Contact Preference),
the one ledger writer, which recipients the app governs, and the ledger built from history.
"""
