"""Work that must happen, kept in the database: the transactional outbox and scheduled runs.

A change that needs follow-on work (tell the referrer, rebuild the figures) writes an
``OutboxMessage`` in its own transaction. The message is published to the broker on commit
when the broker answers, and by the relay (``outbox.relay``, Celery beat every few seconds)
otherwise; the task runs once for each message however often it is published. So a change
that is saved always gets its follow-on work, and no request waits on a broker that is down.

Scheduled work (the nightly rebuild, retention, the digest) claims its slot (``JobRun``) first,
so a second beat does no harm.
"""
