"""The first public face: home, a plain filtered list, entry, economy and organisation pages.

Views parse the request, call selectors and shape the context; every list page runs a fixed number
of queries whatever the number of entries.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from compendium.catalog import selectors
from compendium.public.caching import cached_for_visitors

from . import profiles
from .listing import ChosenFilter, facet_options, name_key, page_links, page_url, url_with

PAGE_SIZE = 20
# Aggregating queries ignore Meta.ordering, so the taxonomy's own order is asked for explicitly.
TAXONOMY_ORDER = ("position", "slug")
LATEST = 6


@require_safe
@cached_for_visitors
def home(request: HttpRequest) -> HttpResponse:
    published = selectors.published_entries()
    return render(
        request,
        "public/home.html",
        {
            "counts": selectors.catalog_counts(entries=published),
            "areas": selectors.policy_areas_with_counts(entries=published).order_by(
                *TAXONOMY_ORDER
            ),
            "latest": selectors.entry_list(entries=published.order_by("-published_at", "title"))[
                :LATEST
            ],
        },
    )


@require_safe
@cached_for_visitors
def entry_index(request: HttpRequest) -> HttpResponse:
    query, path = request.GET, request.path
    published = selectors.published_entries()
    # Each facet counts within the other filters, so a count is what following its link shows.
    entries = by_economy = by_area = published
    chosen, problems = [], []

    code = query.get("economy", "").strip()
    if code:
        economy = selectors.economy_by_code(code=code)
        if economy is None:
            problems.append(_("There is no economy with the code “%(code)s”.") % {"code": code})
        else:
            by_economy = selectors.entries_about_economy(economy=economy, entries=published)
            entries = selectors.entries_about_economy(economy=economy, entries=entries)
            chosen.append(
                ChosenFilter(_("Economy"), economy.name, url_with(path, query, economy=None))
            )
    slug = query.get("area", "").strip()
    if slug:
        area = selectors.policy_area_by_slug(slug=slug)
        if area is None:
            problems.append(_("There is no policy area “%(slug)s”.") % {"slug": slug})
        else:
            by_area = published.filter(policy_areas=area)
            entries = entries.filter(policy_areas=area)
            chosen.append(
                ChosenFilter(_("Policy area"), area.label, url_with(path, query, area=None))
            )

    paginator = Paginator(selectors.entry_list(entries=entries.order_by("title", "pk")), PAGE_SIZE)
    page = paginator.get_page(query.get("page"))
    economies = sorted(
        (
            e
            for e in selectors.economies_with_entry_counts(entries=by_area)
            if e.entry_count or e.code.casefold() == code.casefold()
        ),
        key=lambda e: name_key(e.name),
    )
    return render(
        request,
        "public/entry_list.html",
        {
            "page": page,
            "page_links": page_links(path=path, page=page, query=query),
            "previous_url": page_url(path=path, query=query, number=page.number - 1)
            if page.has_previous()
            else "",
            "next_url": page_url(path=path, query=query, number=page.number + 1)
            if page.has_next()
            else "",
            "chosen": chosen,
            "problems": problems,
            "area_options": facet_options(
                path=path,
                query=query,
                param="area",
                items=(
                    (a.slug, a.label, a.entry_count)
                    for a in selectors.policy_areas_with_counts(entries=by_economy).order_by(
                        *TAXONOMY_ORDER
                    )
                ),
            ),
            "economy_options": facet_options(
                path=path,
                query=query,
                param="economy",
                items=((e.code, e.name, e.entry_count) for e in economies),
            ),
        },
        status=400 if problems else 200,
    )


def _language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


@require_safe
@cached_for_visitors
def entry_page(request: HttpRequest, slug: str) -> HttpResponse:
    entry = selectors.entry_detail(user=request.user, slug=slug)
    if entry is None:
        raise Http404(_("No published entry has this address."))
    return render(
        request,
        "public/entry_detail.html",
        {
            "entry": entry,
            "original_language": _language_name(entry.language),
            "show_original_title": entry.title != entry.display_title,
            "show_original_description": bool(entry.description)
            and entry.description != entry.display_description,
            "citation_url": settings.SITE_URL + entry.get_absolute_url(),
            "related": selectors.related_entries(entry=entry),
            # Served by the API app; a plain path so this page does not depend on it.
            "json_url": f"/api/v1/entries/{entry.slug}",
        },
    )


@require_safe
@cached_for_visitors
def economy_index(request: HttpRequest) -> HttpResponse:
    economies = sorted(
        selectors.economies_with_entry_counts(entries=selectors.published_entries()),
        key=lambda e: (e.region.position, e.region.slug, name_key(e.name)),
    )
    return render(
        request,
        "public/economy_list.html",
        {
            "economies": economies,
            "members": sum(1 for e in economies if e.status == "member"),
            "observers": sum(1 for e in economies if e.status == "observer"),
        },
    )


@require_safe
@cached_for_visitors
def economy_page(request: HttpRequest, code: str) -> HttpResponse:
    economy = selectors.economy_by_code(code=code)
    if economy is None:
        raise Http404(_("There is no WTO Member or Observer with this code."))
    if code != economy.code:
        return redirect(economy, permanent=True)
    entries = selectors.entries_about_economy(
        economy=economy, entries=selectors.published_entries()
    )
    listed = list(selectors.entry_list(entries=entries.order_by("title")))
    return render(
        request,
        "public/economy_detail.html",
        {
            "economy": economy,
            "entries": listed,
            "organizations": sorted(
                selectors.organizations_of_economy(economy=economy), key=lambda o: name_key(o.name)
            ),
            "member_states": sorted(economy.member_states.all(), key=lambda e: name_key(e.name)),
            "working_groups": economy.working_groups.all(),
            **profiles.economy_profile(economy=economy, entries=entries, count=len(listed)),
        },
    )


@require_safe
@cached_for_visitors
def organization_page(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_by_slug(slug=slug)
    if organization is None:
        raise Http404(_("There is no organisation with this address."))
    entries = selectors.entries_of_organization(
        organization=organization, entries=selectors.published_entries()
    )
    return render(
        request,
        "public/organization_detail.html",
        {
            "organization": organization,
            "entries": selectors.entry_list(entries=entries.order_by("title")),
            **profiles.organization_profile(organization=organization, entries=entries),
        },
    )


@require_safe
@cached_for_visitors
def organization_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/organization_list.html",
        {"kinds": profiles.organizations_by_kind(entries=selectors.published_entries())},
    )
