"""Stub: to be written."""

from django.http import HttpResponse


def detail(request, *args, **kwargs):
    return HttpResponse('todo')


def change_status(request, *args, **kwargs):
    return HttpResponse('todo')


def end(request, *args, **kwargs):
    return HttpResponse('todo')


def assign(request, *args, **kwargs):
    return HttpResponse('todo')


def timeline(request, *args, **kwargs):
    return HttpResponse('todo')

