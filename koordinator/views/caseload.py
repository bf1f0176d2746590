"""Stub: to be written."""

from django.http import HttpResponse


def worklist(request, *args, **kwargs):
    return HttpResponse('todo')


def leader_overview(request, *args, **kwargs):
    return HttpResponse('todo')

