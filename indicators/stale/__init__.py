"""An event makes a score stale: the whole path from "something happened" to "rescored", in one place.

1. ``marks``: the transaction that stores an event (or a gut read, an attribution…) marks its accounts
   durably (``Account.needs_recompute_since``, and a version bump), and once it commits sends the hint.
2. ``hint``: the fast path. With Redis, a set of ``tenant:account`` members, best effort; without Redis,
   the accounts are rescored right away, in-process.
3. ``sweep``: beat drains the hint set every second, and every minute sweeps the durable marks Redis may
   have lost, into one recompute task per chunk of a tenant's accounts.
4. ``claims``: a recompute claims its accounts and clears only the marks nothing renewed meanwhile.
"""
