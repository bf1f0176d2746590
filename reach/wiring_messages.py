"""What the messages part of reach puts on the core's pages, the gate, the worklist and run_reminders (imported by
``ReachConfig.ready``): the gate's policy for ``Message``, the section «Meldinger med kontaktpersonen din» on Min
side, the link «Meldinger» on the case page, the section «Nye meldinger» on *Min arbeidsliste*, and the words the
app shows for a link to the thread in a notification."""

from __future__ import annotations

from reach import message_access

message_access.register()
