"""Helpers the meetings views share: reading through the gate, the 403 for a visible page one may not use, the
access log, and the one-form page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from koordinator import access
from koordinator.models import AccessEvent, User
from meetings.models import ActionItem, AgendaItem, Comment, Group, GroupMember, Meeting, Minutes

CASE = ("follow_up__service_user", "follow_up__trust_person", "follow_up__deputy", "follow_up__unit")
GROUP_RELATED = CASE
MEETING_RELATED = tuple(f"group__{r}" for r in CASE) + ("chair_person",)
MINUTES_RELATED = tuple(f"meeting__{r}" for r in MEETING_RELATED) + ("ready_by", "user_response_by")


def group_or_404(request: HttpRequest, pk: int) -> Group:
    return access.get_visible_or_404(Group.objects.select_related(*GROUP_RELATED), request.user, pk=pk)


def meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    return access.get_visible_or_404(Meeting.objects.select_related(*MEETING_RELATED), request.user, pk=pk)


def minutes_or_404(request: HttpRequest, pk: int) -> Minutes:
    return access.get_visible_or_404(Minutes.objects.select_related(*MINUTES_RELATED), request.user, pk=pk)


def member_or_404(request: HttpRequest, pk: int) -> GroupMember:
    related = [f"group__{r}" for r in GROUP_RELATED] + ["person", "organisation"]
    return access.get_visible_or_404(GroupMember.objects.select_related(*related), request.user, pk=pk)


def item_or_404(request: HttpRequest, pk: int) -> ActionItem:
    related = [f"group__{r}" for r in GROUP_RELATED] + ["meeting", "responsible__person", "responsible__organisation"]
    return access.get_visible_or_404(ActionItem.objects.select_related(*related), request.user, pk=pk)


def agenda_item_or_404(request: HttpRequest, pk: int) -> AgendaItem:
    return access.get_visible_or_404(
        AgendaItem.objects.select_related(*(f"meeting__{r}" for r in MEETING_RELATED)), request.user, pk=pk)


def comment_or_404(request: HttpRequest, pk: int) -> Comment:
    return access.get_visible_or_404(
        Comment.objects.select_related(*(f"minutes__{r}" for r in MINUTES_RELATED)), request.user, pk=pk)


def require(allowed: bool) -> None:
    """A page the reader may see but not use (read-only): 403."""
    if not allowed:
        raise PermissionDenied


def record_read(user: User, service_user_ids, what: str, channel: str = AccessEvent.Channel.WEB, *,
                listing: bool = False) -> None:
    """Reads by anyone but the owner go to the owner's access log (``record_access`` skips the owner; a list,
    ``listing``, logs each person once a day)."""
    access.record_access(user, service_user_ids, what, channel, listing=listing)  # lazy: one language


def record_group_read(user: User, group: Group, what: str) -> None:
    record_read(user, [group.follow_up.service_user_id], what)


def group_url(group: Group) -> str:
    return reverse("group_detail", args=[group.pk])


def meeting_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("meeting_detail", args=[meeting.pk])
    return f"{url}#{anchor}" if anchor else url


def form_page(request: HttpRequest, *, form, title: str, submit: str, back_url: str, back_text: str,
              intro: str = "", about: str = "", status: int = 200, extra: dict | None = None,
              template: str = "meetings/form.html") -> HttpResponse:
    """One form on its own page: heading, a short explanation, the fields, the button."""
    context = {"form": form, "title": title, "submit": submit, "intro": intro, "about": about,
               "back_url": back_url, "back_text": back_text, **(extra or {})}
    return render(request, template, context, status=status)
