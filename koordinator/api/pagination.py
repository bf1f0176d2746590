"""The API's pagination: DRF's page numbers (``?page=``, ``count``/``next``/``previous``/``results``, 50 a page),
with one query saved on the first page when everything fits on it.

Django's paginator counts the rows first (``SELECT COUNT(*)``), then fetches the page. When the first page is
asked for and fewer rows than a page come back, they are all the rows there are: the count is their number, and
the count query is not needed. Otherwise (a full first page, any other page, ``last``) the count is asked for as
before. The answer is the same in every case, only the order of the two queries differs.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class FirstPagePaginator(Paginator):
    def page(self, number):
        if (
            str(number).strip() == "1"
            and "count" not in self.__dict__
            and not self.orphans
            and self.allow_empty_first_page
            and hasattr(self.object_list, "query")
        ):
            rows = list(self.object_list[: self.per_page])
            if len(rows) < self.per_page:
                self.count = len(rows)  # a cached_property: set here, it is not asked for
            return self._get_page(rows, 1, self)
        return super().page(number)


class PageNumbers(PageNumberPagination):
    django_paginator_class = FirstPagePaginator
