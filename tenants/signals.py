"""What the tenant registry tells the layers above it (the national layer listens).

The registry knows nothing of what is built on it; it announces what happened to a
union and the receivers (`lhh.national.receivers`) keep their own records. Signals are
synchronous: one sent inside a transaction lets a receiver write in that transaction,
so an audit entry or a national total commits or rolls back with the change itself.
"""

from django.dispatch import Signal

# Inside the transaction that changed the status.
# Keyword arguments: union, previous (the status before), actor, reason, copy_activated
# (a restored copy national staff made live: the layers above now count it).
union_status_changed = Signal()

# Inside the deletion's transaction, the backup taken, before the union's schema and
# rows are dropped: the last moment its rows in public can still be read.
# Keyword arguments: union, actor, archive (the backup's Path).
union_deleting = Signal()

# After the restored union's registry rows were committed.
# Keyword arguments: union, actor, archive (Path), source_schema (its name in the archive).
union_restored = Signal()

# After a merger's switch committed (the absorbed union is "merged" into the absorbing
# one, its rows copied): the national layer moves the statistics and the news feed.
# Keyword arguments: merge_id.
union_merged = Signal()

# Inside the transaction that set a union's current and former province.
# Keyword arguments: union, before (text), actor.
union_provinces_changed = Signal()
