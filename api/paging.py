"""Pages of results: ``limit``/``offset`` in, ``count``/``next``/``previous``/``results`` out.

The shape is NetBox's (and Django REST framework's), so the same client code
pages through govnet's own lists and its NetBox-shaped ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Depends, Request

from api.params import LimitQuery, OffsetQuery

T = TypeVar("T")
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int
    request: Request

    def page(self, count: int, results: list[Any]) -> dict[str, Any]:
        """The page answer for ``results`` (already this page) out of ``count``."""
        url = self.request.url
        nxt = (str(url.include_query_params(limit=self.limit, offset=self.offset + self.limit))
               if self.offset + self.limit < count else None)
        prev = (str(url.include_query_params(limit=self.limit,
                                             offset=max(0, self.offset - self.limit)))
                if self.offset > 0 else None)
        return {"count": count, "next": nxt, "previous": prev, "results": results}

    def of(self, items: Sequence[T], view: Callable[[T], Any]) -> dict[str, Any]:
        """Page a list a service returned whole (small lists: requests, devices…)."""
        chosen = items[self.offset:self.offset + self.limit]
        return self.page(len(items), [view(i) for i in chosen])


def _paging(request: Request, limit: LimitQuery = 50, offset: OffsetQuery = 0) -> Paging:
    return Paging(limit or MAX_LIMIT, offset, request)


PAGING = Depends(_paging)
