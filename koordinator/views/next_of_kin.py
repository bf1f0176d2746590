"""Stub: to be written."""

from django.http import HttpResponse


def create(request, *args, **kwargs):
    return HttpResponse('todo')


def edit(request, *args, **kwargs):
    return HttpResponse('todo')


def archive(request, *args, **kwargs):
    return HttpResponse('todo')

