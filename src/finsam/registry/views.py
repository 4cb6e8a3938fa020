from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from finsam.core.decorators import page_access
from finsam.core.roles import Capability
from finsam.registry import selectors


@page_access(Capability.REGISTRY_VIEW)
def association_list(request: HttpRequest) -> HttpResponse:
    associations = selectors.association_list(user=request.user)
    return render(
        request,
        "registry/association_list.html",
        {
            "associations": associations,
            "can_create": selectors.can_edit(user=request.user, association_id=None),
        },
    )


@page_access(Capability.REGISTRY_VIEW, scoped="association_id")
def association_detail(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id)
    status = selectors.association_status(user=request.user, association_id=association_id)
    return render(
        request,
        "registry/association_detail.html",
        {
            "association": association,
            "status": status,
            "members": selectors.member_list(user=request.user, association_id=association_id),
            "board": selectors.board_list(
                user=request.user, association_id=association_id, current_only=True
            ),
            "directors": selectors.director_list(user=request.user, association_id=association_id),
            "representatives": selectors.representative_list(
                user=request.user, association_id=association_id
            ),
            "charters": selectors.charter_list(user=request.user, association_id=association_id),
            "can_edit": selectors.can_edit(user=request.user, association_id=association_id),
        },
    )


@page_access(Capability.REGISTRY_VIEW)
def municipality_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:80]
    region = request.GET.get("region", "").strip()[:2]
    municipalities = selectors.municipality_list(user=request.user, query=query, region_code=region)
    coverage = selectors.municipality_coverage()
    return render(
        request,
        "registry/municipality_list.html",
        {
            "municipalities": municipalities,
            "regions": selectors.region_list(),
            "coverage": coverage,
            "query": query,
            "region": region,
        },
    )
