"""Plugin hooks: signals that domain services send after a change other apps may react to.

Only side effects hang on these (notifications, e-mail); no domain rule may depend on a
receiver having run (signals as plugin hooks only: docs/conventions.md 8.2). They let
the lower apps (nominations, notices) announce an event without importing the higher
``notifications`` app. Senders call them inside their transaction; receivers that write
or send must defer with ``transaction.on_commit`` so a rolled-back change announces
nothing.
"""

from django.dispatch import Signal

#: A clerk submitted a nomination for the first time (a draft, not a returned one).
#: Arguments: ``nomination``, ``actor``.
nomination_submitted = Signal()

#: A body returned a nomination for revision. Arguments: ``nomination``, ``opinion``
#: (the reasons, str), ``actor`` (the signing user).
nomination_returned = Signal()

#: A body forwarded nominations to the next level. Arguments: ``nominations`` (list, as
#: returned by the forwarding service), ``level`` (the code of the level they left),
#: ``body`` (the forwarding OrgUnit), ``actor``.
nominations_forwarded = Signal()

#: Someone filed an objection to a public notice. Arguments: ``objection``.
objection_filed = Signal()

#: A nominee stopped after approval (adverse opinion, upheld objection) left the approval
#: lists. Arguments: ``nomination``, ``reason`` (str), ``changes`` (Chinese sentences).
nominee_withdrawn = Signal()
