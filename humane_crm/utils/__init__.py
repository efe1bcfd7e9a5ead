"""The shell's small tools: the clock, work after a rollback, the cache, callers' input, actions
saved with a note, notifications.
"""
