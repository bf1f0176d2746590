"""The responsibility group pages, included under ``ansvarsgrupper/``. Page URLs are Norwegian; names are English.

``meeting_detail`` and ``meeting_apologies_by_link`` are used by the core too (the deputy's handover list and the
apology link in every invitation, ``meetings.tokens``).
"""

from __future__ import annotations

from django.urls import path

from meetings.views import actions, groups, leader, meeting, minutes

urlpatterns = [
    # The group
    path("sak/<int:pk>/", groups.group_for_case, name="group_for_case"),
    path("min/", groups.my_group, name="my_group"),
    path("mine/", groups.my_groups, name="my_groups"),
    path("<int:pk>/", groups.group_detail, name="group_detail"),
    path("<int:pk>/medlem/ny/", groups.member_add, name="group_member_add"),
    path("medlem/<int:pk>/endre/", groups.member_edit, name="group_member_edit"),
    path("medlem/<int:pk>/fjern/", groups.member_remove, name="group_member_remove"),
    path("<int:pk>/moteleder/", groups.group_chair, name="group_chair"),
    path("<int:pk>/status/", groups.group_status, name="group_status"),
    # Meetings
    path("<int:pk>/mote/nytt/", meeting.meeting_create, name="meeting_create"),
    path("mote/<int:pk>/", meeting.meeting_detail, name="meeting_detail"),
    path("mote/<int:pk>/endre/", meeting.meeting_edit, name="meeting_edit"),
    path("mote/<int:pk>/avlys/", meeting.meeting_cancel, name="meeting_cancel"),
    path("mote/<int:pk>/holdt/", meeting.meeting_held, name="meeting_held"),
    path("mote/<int:pk>/kalender.ics", meeting.meeting_calendar, name="meeting_calendar"),
    path("mote/<int:pk>/oppmote/", meeting.meeting_attendance, name="meeting_attendance"),
    path("mote/<int:pk>/forfall/", meeting.meeting_apologies, name="meeting_apologies"),
    path("forfall/<str:token>/", meeting.apologies_by_link, name="meeting_apologies_by_link"),
    path("mote/<int:pk>/punkt/nytt/", meeting.agenda_propose, name="agenda_propose"),
    path("punkt/<int:pk>/fjern/", meeting.agenda_archive, name="agenda_archive"),
    path("mote/<int:pk>/dagsorden/lagre/", meeting.agenda_freeze, name="agenda_freeze"),
    path("mote/<int:pk>/revider-planen/", meeting.meeting_revise_plan, name="meeting_revise_plan"),
    path("mote/<int:pk>/ny-moteleder/", meeting.meeting_hand_over_chair, name="meeting_hand_over_chair"),
    # Minutes
    path("mote/<int:pk>/referat/", minutes.minutes_start, name="minutes_start"),
    path("referat/<int:pk>/endre/", minutes.minutes_edit, name="minutes_edit"),
    path("referat/<int:pk>/klart/", minutes.minutes_ready, name="minutes_ready"),
    path("referat/<int:pk>/svar/", minutes.minutes_respond, name="minutes_respond"),
    path("referat/<int:pk>/kommentar/", minutes.minutes_comment, name="minutes_comment"),
    path("kommentar/<int:pk>/fjern/", minutes.comment_archive, name="comment_archive"),
    path("referat/<int:pk>/historikk/", minutes.minutes_timeline, name="minutes_timeline"),
    path("referat/<int:pk>/historikk/<int:history_id>/gjenopprett/", minutes.minutes_restore,
         name="minutes_restore"),
    path("referat/<int:pk>/referat.pdf", minutes.minutes_pdf, name="minutes_pdf"),
    # Action items
    path("mote/<int:pk>/oppgave/ny/", actions.action_item_create, name="action_item_create"),
    path("oppgave/<int:pk>/endre/", actions.action_item_edit, name="action_item_edit"),
    path("oppgave/<int:pk>/status/", actions.action_item_status, name="action_item_status"),
    path("mine-oppgaver/", actions.my_action_items, name="my_action_items"),
    # The leader
    path("leder/", leader.leader_meetings, name="leader_meetings"),
]
