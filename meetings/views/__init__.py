"""The meetings pages: groups, meetings, minutes, action items, the leader's view (see ``meetings.urls``)."""
