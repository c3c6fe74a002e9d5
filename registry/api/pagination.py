from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from registry.pagination import DEFAULT_SORT, estimated_count, keyset_page


class KeysetPagination(BasePagination):
    """``?cursor=`` pages of 50 on the (name, id) key (registry.pagination); the count is estimated above 1,000."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page = keyset_page(queryset, sort=request.query_params.get("sort", DEFAULT_SORT),
                                cursor=request.query_params.get("cursor"))
        # a province filter reaching here was valid: the filter backend answers 400 to one that is not
        self.count = estimated_count(queryset, narrowed=bool(request.query_params.get("province")))
        return self.page.rows

    def get_paginated_response(self, data):
        url = self.request.build_absolute_uri()
        next_url = replace_query_param(url, "cursor", self.page.next_cursor) if self.page.next_cursor else None
        first_url = None if self.page.first else remove_query_param(url, "cursor")
        return Response({"count": self.count.value, "count_exact": self.count.exact, "next": next_url,
                         "first": first_url, "results": data})

    def get_paginated_response_schema(self, schema):
        return {"type": "object", "properties": {
            "count": {"type": "integer"}, "count_exact": {"type": "boolean"},
            "next": {"type": "string", "nullable": True}, "first": {"type": "string", "nullable": True},
            "results": schema}}
