"""Stub: to be written."""

from django.http import HttpResponse


def home(request, *args, **kwargs):
    return HttpResponse('todo')

