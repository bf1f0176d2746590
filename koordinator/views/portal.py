"""Stub: to be written."""

from django.http import HttpResponse


def my_page(request, *args, **kwargs):
    return HttpResponse('todo')


def access_log(request, *args, **kwargs):
    return HttpResponse('todo')


def give_consent(request, *args, **kwargs):
    return HttpResponse('todo')


def edit_contact(request, *args, **kwargs):
    return HttpResponse('todo')

