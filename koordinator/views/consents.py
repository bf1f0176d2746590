"""Stub: to be written."""

from django.http import HttpResponse


def create(request, *args, **kwargs):
    return HttpResponse('todo')


def withdraw(request, *args, **kwargs):
    return HttpResponse('todo')

