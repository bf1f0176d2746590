"""Stub: to be written."""

from django.http import HttpResponse


def register(request, *args, **kwargs):
    return HttpResponse('todo')


def detail(request, *args, **kwargs):
    return HttpResponse('todo')


def edit(request, *args, **kwargs):
    return HttpResponse('todo')

