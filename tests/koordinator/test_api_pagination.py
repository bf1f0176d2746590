"""The API's pagination (``koordinator.api.pagination``): a first page that holds the whole list is counted from
its rows, without ``SELECT COUNT(*)``; a longer list is counted by the database. The answers are DRF's either way:
``count``, ``next``, ``previous`` and ``results``, 50 a page, ``?page=last``, and 404 for a page that is not there.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.conftest import login
from tests.koordinator.test_api_query_budget import user_with_notifications

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def get(user, url: str):
    client = login(APIClient(), user)
    client.get(url)  # warm up: the session and anything cached once per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    return response, counts


def test_a_list_that_fits_on_the_first_page_is_not_counted_by_the_database():
    user = user_with_notifications(3)
    response, counts = get(user, URL)
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 3 and len(body["results"]) == 3
    assert body["next"] is None and body["previous"] is None
    assert counts == []


def test_an_empty_list_is_an_empty_first_page():
    user = user_with_notifications(0)
    response, counts = get(user, URL)
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert counts == []


def test_a_longer_list_is_counted_and_paged_as_before():
    user = user_with_notifications(51)
    first, counts = get(user, URL)
    body = first.json()
    assert body["count"] == 51 and len(body["results"]) == 50
    assert body["next"].endswith("/api/v1/notifications/?page=2") and body["previous"] is None
    assert len(counts) == 1

    second, _counts = get(user, URL + "?page=2")
    body2 = second.json()
    assert body2["count"] == 51 and len(body2["results"]) == 1 and body2["next"] is None
    assert body2["previous"].endswith("/api/v1/notifications/")
    ids = [n["id"] for n in body["results"]] + [n["id"] for n in body2["results"]]
    assert len(set(ids)) == 51

    last, _counts = get(user, URL + "?page=last")
    assert last.json()["results"] == body2["results"]


def test_a_first_page_of_exactly_one_page_has_no_next_page():
    user = user_with_notifications(50)
    response, counts = get(user, URL)
    body = response.json()
    assert body["count"] == 50 and len(body["results"]) == 50 and body["next"] is None
    assert len(counts) == 1


@pytest.mark.parametrize("page", ["2", "0", "x"])
def test_a_page_that_is_not_there_is_a_404(page):
    user = user_with_notifications(3)
    response, _counts = get(user, f"{URL}?page={page}")
    assert response.status_code == 404
