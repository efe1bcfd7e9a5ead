"""Contact cadence: the one gate every outbound touch passes, the facts a decision reads (one
indexed query), rules and override passes as the core's inputs, and the sentences that explain
every decision.
"""
