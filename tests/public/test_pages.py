"""The public pages, over HTTP, with the reference data and the 60-entry sample loaded once."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest

from compendium.catalog.models import Economy, Entry, Organization, PolicyArea, Workflow
from compendium.catalog.services import EntryData, LinkData, SourceData, entry_create
from compendium.public.templatetags.public_tags import web_address

SAMPLE_NOTICE = (
    "The entries shown are an illustrative sample compiled from public sources, "
    "not an official compendium."
)


pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's visible text, tags dropped and entities decoded, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def entry_slugs(response) -> list[str]:
    return re.findall(
        r'<h3 class="entry-item__title"><a href="(?:/\w\w)?/entries/([^/]+)/"',
        response.content.decode(),
    )


def about(code: str):
    return Entry.objects.filter(workflow=Workflow.PUBLISHED).filter(
        economies__code=code
    ) | Entry.objects.filter(workflow=Workflow.PUBLISHED, contributor_economy__code=code)


def make_entry(**overrides) -> Entry:
    values = {
        "data": EntryData(
            title="Women exporters' digital academy",
            contributor_type="member",
            instrument_type="programme",
            policy_areas=("ecommerce",),
            target_groups=("women_entrepreneurs",),
            economies=("CHL",),
        ),
        "workflow": Workflow.PUBLISHED,
        "actor": None,
        "actor_label": "test",
    }
    values.update(overrides)
    return entry_create(**values)


# --- home --------------------------------------------------------------------------------------


def test_home_shows_the_figures_areas_and_latest_entries(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "<dd>60</dd>" in html  # published entries
    assert re.search(r">188</a></dd>", html)  # economies in the catalog
    assert "Empowering Women to Trade through Digitalisation: Policy Insights" in html
    area = PolicyArea.objects.get(slug="access_to_finance")
    assert f'href="/entries/?area={area.slug}"' in html
    assert area.label_en in html
    assert len(entry_slugs(response)) == 6
    areas = html[html.index('class="area-list"') :]
    positions = [areas.index(f">{a.label_en}<") for a in PolicyArea.objects.order_by("position")]
    assert positions == sorted(positions)  # the taxonomy's order
    page = text(response)
    assert SAMPLE_NOTICE in page
    assert "Skip to main content" in page
    assert "Sign in" in page
    assert 'href="/accounts/login/"' in html
    assert "Informal Working Group on Trade and Gender" in page


def test_no_request_leaves_the_site(client):
    html = client.get("/").content.decode()
    assert "<script" not in html
    assert ' style="' not in html
    for tag in re.findall(r"<link\b[^>]*>", html):
        href = re.search(r'href="([^"]*)"', tag).group(1)
        assert href.startswith(("/", "data:", "http://testserver")), tag


def test_sample_notice_only_when_sample_entries_are_published(client):
    Entry.objects.update(is_sample=False)
    assert SAMPLE_NOTICE not in text(client.get("/"))


# --- the list ----------------------------------------------------------------------------------


def test_entry_list_first_page(client):
    response = client.get("/entries/")
    assert response.status_code == 200
    page = text(response)
    assert "60 published entries, showing 1 to 20." in page
    slugs = entry_slugs(response)
    assert len(slugs) == 20
    assert slugs == list(Entry.objects.order_by("title", "pk").values_list("slug", flat=True)[:20])
    html = response.content.decode()
    assert 'href="/entries/?page=2"' in html
    assert 'rel="next"' in html
    assert 'aria-current="page" aria-label="Page 1"' in html


def test_entry_list_page_two_and_garbage_pages(client):
    second = client.get("/entries/?page=2")
    assert second.status_code == 200
    assert "showing 21 to 40" in text(second)
    assert set(entry_slugs(second)).isdisjoint(entry_slugs(client.get("/entries/")))
    assert 'rel="prev"' in second.content.decode()
    garbage = client.get("/entries/?page=abc")
    assert garbage.status_code == 200
    assert entry_slugs(garbage) == entry_slugs(client.get("/entries/"))
    beyond = client.get("/entries/?page=999")
    assert beyond.status_code == 200
    assert entry_slugs(beyond) == entry_slugs(client.get("/entries/?page=3"))


def test_filter_by_economy(client):
    response = client.get("/entries/?economy=CHL")
    assert response.status_code == 200
    expected = set(about("CHL").values_list("slug", flat=True))
    assert expected
    assert set(entry_slugs(response)) == expected
    html = response.content.decode()
    assert "Economy: <strong>Chile</strong>" in html
    assert re.search(r'<a href="/entries/">remove<span class="visually-hidden"> \(Chile\)', html)
    # the same filter in lower case
    assert set(entry_slugs(client.get("/entries/?economy=chl"))) == expected


def test_filter_by_area_keeps_the_filter_across_pages(client):
    area = PolicyArea.objects.get(slug="access_to_finance")
    published = Entry.objects.filter(workflow=Workflow.PUBLISHED, policy_areas=area)
    assert published.count() > 20  # the sample has enough for two pages
    first = client.get("/entries/?area=access_to_finance")
    assert first.status_code == 200
    assert f"Policy area: <strong>{area.label_en}</strong>" in first.content.decode()
    assert 'href="/entries/?area=access_to_finance&amp;page=2"' in first.content.decode()
    second = client.get("/entries/?area=access_to_finance&page=2")
    shown = entry_slugs(first) + entry_slugs(second)
    assert sorted(shown) == sorted(published.values_list("slug", flat=True))


def test_facet_counts_match_what_the_links_show(client):
    response = client.get("/entries/?area=access_to_finance")
    html = response.content.decode()
    links = re.findall(
        r'<a href="/entries/\?area=access_to_finance&amp;economy=(\w+)">[^<]+'
        r'<span class="count">\((\d+)\)</span>',
        html,
    )
    assert links
    for code, count in links[:5]:
        shown = entry_slugs(client.get(f"/entries/?area=access_to_finance&economy={code}"))
        assert len(shown) == int(count)


def test_both_filters_together(client):
    response = client.get("/entries/?economy=CHL&area=export_support")
    expected = set(
        about("CHL").filter(policy_areas__slug="export_support").values_list("slug", flat=True)
    )
    assert set(entry_slugs(response)) == expected
    assert "Remove all filters" in text(response)


def test_unknown_filters_give_400_with_a_message(client):
    response = client.get("/entries/?economy=XYZ")
    assert response.status_code == 400
    assert "There is no economy with the code “XYZ”." in text(response)
    assert 'role="alert"' in response.content.decode()
    response = client.get("/entries/?economy=<b>x</b>")
    assert response.status_code == 400
    assert "<b>x</b>" not in response.content.decode()
    response = client.get("/entries/?area=nonsense")
    assert response.status_code == 400
    assert "There is no policy area “nonsense”." in text(response)


# 12 for the page itself, 1 for the page cache's look-up of the index generation.
MAX_QUERIES = 13


def test_list_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get("/entries/")
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get("/entries/?economy=CHL&area=export_support&page=1")
    for n in range(25):
        make_entry(
            data=EntryData(
                title=f"Extra programme {n}",
                contributor_type="member",
                instrument_type="programme",
                policy_areas=("ecommerce", "access_to_finance"),
                target_groups=("women_traders",),
                economies=("CHL", "PER"),
                organizations=(Organization.objects.first().slug,),
            )
        )
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get("/entries/?page=2")


def test_other_pages_run_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get("/")
    with django_assert_max_num_queries(4):
        client.get("/economies/")
    with django_assert_max_num_queries(12):
        client.get("/economies/CHL/")


# --- an entry ----------------------------------------------------------------------------------


def test_sample_entry_page(client):
    entry = Entry.objects.filter(is_sample=True).prefetch_related("sources").first()
    response = client.get(f"/entries/{entry.slug}/")
    assert response.status_code == 200
    page = text(response)
    assert entry.display_title in page
    source = entry.sources.first()
    assert source.title in page
    assert f'href="{source.url}"' in response.content.decode().replace("&amp;", "&")
    assert "badge--secretariat_compiled" in response.content.decode()
    assert "Compiled by the Secretariat (not yet confirmed)" in page
    assert "The WTO Secretariat compiled this information from public sources" in page
    assert "Illustrative sample." in page
    assert "Workflow status" not in page


def test_entry_page_shows_every_filled_field(client):
    organization = (
        Organization.objects.filter(economy__code="CHL").first() or Organization.objects.first()
    )
    entry = make_entry(
        data=EntryData(
            title="Programa Mujer Exporta Digital",
            title_en="Digital Women Export Programme",
            title_fr="Programme numérique Femmes exportatrices",
            description="Capacitación en comercio electrónico para exportadoras.",
            description_en="E-commerce training for women exporters.",
            language="es",
            contributor_type="member",
            contributor="CHL",
            instrument_type="training_or_capacity_building",
            policy_areas=("ecommerce", "export_support"),
            target_groups=("women_led_msmes", "rural_women"),
            gender_focus="women_specific",
            economies=("CHL", "PER"),
            organizations=(organization.slug,),
            implementers_as_reported="ProChile with regional offices",
            start_year=2019,
            end_year=2024,
            status="completed",
            budget_as_reported="USD 2 million over five years",
            budget_amount=Decimal("2000000"),
            budget_currency="USD",
            women_reached_as_reported="about 5,000 women",
            women_reached=5000,
            links=(LinkData(url="https://example.org/mujer-exporta", label="Programme site"),),
        ),
        verification="member_validated",
        sources=[
            SourceData(
                kind="official_document",
                title="Trade Policy Review: Chile",
                url="https://www.wto.org/tpr/chile",
                organization=organization.slug,
                reference="WT/TPR/S/999",
                accessed_on=date(2025, 3, 1),
                note="See section 3.2.",
                fields=("budget_amount",),
            )
        ],
    )
    response = client.get(entry.get_absolute_url())
    assert response.status_code == 200
    html, page = response.content.decode(), text(response)
    assert '<h1 lang="en">Digital Women Export Programme</h1>' in html
    assert "Original title (Spanish): Programa Mujer Exporta Digital" in page
    assert "E-commerce training for women exporters." in page
    assert "Capacitación en comercio electrónico para exportadoras." in page
    for code in ("CHL", "PER"):
        assert f'href="/economies/{code}/"' in html
    assert f'href="/organizations/{organization.slug}/"' in html
    assert organization.name_en in page
    assert "ProChile with regional offices" in page
    assert "Contributor Chile" in page
    for label in ("WTO Member", "Training or capacity building"):
        assert label.casefold() in page.casefold()
    assert 'href="/entries/?area=ecommerce"' in html
    assert 'href="/entries/?area=export_support"' in html
    for slug in ("women_led_msmes", "rural_women"):
        assert entry.target_groups.get(slug=slug).label_en in page
    assert entry.gender_focus.label_en in page
    assert "Start year 2019" in page
    assert "End year 2024" in page
    assert "Status Completed" in page
    assert "USD 2 million over five years" in page
    assert "Amount: 2,000,000 USD" in page
    assert "about 5,000 women" in page
    assert "Number of women reached: 5,000" in page
    assert 'href="https://example.org/mujer-exporta"' in html
    assert "Programme site" in page
    assert "Validated by the Member" in page
    assert "badge--member_validated" in html
    assert "Trade Policy Review: Chile" in page
    assert 'href="https://www.wto.org/tpr/chile"' in html
    assert "Kind of source Official document" in page
    assert f"Provided by {organization.name_en}" in page
    assert "Reference WT/TPR/S/999" in page
    assert "Accessed on March 1, 2025" in page
    assert "See section 3.2." in page
    assert "Supports budget amount" in page
    assert "Last updated" in page
    assert "First published" in page
    assert "Illustrative sample." not in page


def test_unpublished_entry_is_hidden_from_the_public_but_not_the_secretariat(client, admin_client):
    entry = make_entry(workflow=Workflow.DRAFT)
    assert client.get(entry.get_absolute_url()).status_code == 404
    assert client.get("/entries/nothing-here/").status_code == 404
    assert entry.slug not in entry_slugs(client.get("/entries/?economy=CHL"))
    response = admin_client.get(entry.get_absolute_url())
    assert response.status_code == 200
    assert "Workflow status: Draft. Only the Secretariat can see this entry." in text(response)


def test_user_text_is_escaped(client):
    entry = make_entry(
        data=EntryData(
            title="<script>alert('x')</script> Digital traders",
            description="<img src=x onerror=alert(1)> & more",
            contributor_type="member",
            instrument_type="programme",
            policy_areas=("ecommerce",),
            target_groups=("women_traders",),
            economies=("CHL",),
        )
    )
    for url in (entry.get_absolute_url(), "/entries/?economy=CHL", "/economies/CHL/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Digital traders" in html


def test_only_web_addresses_become_links():
    assert web_address("https://example.org/a") == "https://example.org/a"
    assert web_address("javascript:alert(1)") == ""
    assert web_address(" JAVASCRIPT:alert(1)") == ""
    assert web_address("") == ""


# --- economies and organisations ---------------------------------------------------------------


def test_economy_list_groups_all_188_by_region(client):
    response = client.get("/economies/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'<th scope="row"><a href="/economies/[A-Z]{2,3}/">', html)) == 188
    assert html.count("<caption") == 7
    assert html.count("<table") == 7
    assert "All 188 WTO Member and Observer governments" in text(response)
    chile = about("CHL").distinct().count()
    assert re.search(
        rf'href="/economies/CHL/">Chile</a></th>\s*<td>WTO Member</td>\s*'
        rf'<td class="num"><a href="/entries/\?economy=CHL"[^>]*>{chile}</a>',
        html,
    )


def test_economy_page(client):
    response = client.get("/economies/CAN/")
    assert response.status_code == 200
    page = text(response)
    canada = Economy.objects.get(code="CAN")
    assert canada.name_en in page
    assert canada.name_fr in page
    assert canada.name_es in page
    assert "Status WTO Member" in page
    assert canada.region.label_en in page
    assert "Least developed country No" in page
    if canada.accession_date:
        assert "WTO membership since" in page
    for group in canada.working_groups.all():
        assert group.label_en in page
    for entry in about("CAN"):
        assert entry.display_title in page
    for organization in Organization.objects.filter(economy=canada):
        assert organization.name_en in page


def test_economy_codes_are_case_insensitive(client):
    response = client.get("/economies/can/")
    assert response.status_code == 301
    assert response["Location"] == "/economies/CAN/"
    assert client.get("/fr/economies/can/")["Location"] == "/fr/economies/CAN/"
    assert client.get("/economies/can/", follow=True).status_code == 200


def test_unknown_economy_and_organisation_give_404(client):
    assert client.get("/economies/ZZZ/").status_code == 404
    assert client.get("/organizations/no-such-body/").status_code == 404
    assert "Page not found" in text(client.get("/economies/ZZZ/"))


def test_eu_page_lists_its_member_states(client):
    eu = Economy.objects.filter(code="EU").first()
    if eu is None or not eu.member_states.exists():
        pytest.skip("no EU member States in the reference data")
    html = client.get("/economies/EU/").content.decode()
    for state in eu.member_states.all()[:3]:
        assert f'href="/economies/{state.code}/"' in html
    state = eu.member_states.first()
    assert 'href="/economies/EU/"' in client.get(f"/economies/{state.code}/").content.decode()


def test_organization_page(client):
    organization = (
        Organization.objects.filter(entries__workflow=Workflow.PUBLISHED)
        .select_related("kind")
        .first()
    )
    response = client.get(f"/organizations/{organization.slug}/")
    assert response.status_code == 200
    page = text(response)
    assert organization.name_en in page
    assert organization.kind.label_en in page
    for entry in organization.entries.filter(workflow=Workflow.PUBLISHED):
        assert entry.display_title in page


# --- languages ---------------------------------------------------------------------------------


def test_french_pages(client):
    response = client.get("/fr/")
    assert response.status_code == 200
    html, page = response.content.decode(), text(response)
    assert '<html lang="fr"' in html
    assert "Fiches publiées" in page
    assert "Parcourir par domaine d'action" in page
    area = PolicyArea.objects.get(slug="access_to_finance")
    assert area.label_fr in page
    assert f'href="/fr/entries/?area={area.slug}"' in html
    listing = client.get("/fr/entries/?economy=CHL")
    chile = Economy.objects.get(code="CHL").name_fr
    assert f"Économie\u00a0: <strong>{chile}</strong>" in listing.content.decode()
    assert "Accueil" in text(listing)
    assert "Filtrer les fiches" in text(listing)


def test_spanish_pages(client):
    response = client.get("/es/entries/")
    assert response.status_code == 200
    html, page = response.content.decode(), text(response)
    assert '<html lang="es"' in html
    assert "60 fichas publicadas" in page
    assert "Filtrar las fichas" in page
    area = PolicyArea.objects.get(slug="ecommerce")
    assert area.label_es in page
    canada = text(client.get("/es/economies/CAN/"))
    assert "Miembro de la OMC" in canada
    assert "Situación" in canada


def test_language_links_keep_the_page_and_its_query(client):
    html = client.get("/entries/?economy=CHL&page=1").content.decode()
    assert (
        '<a href="/fr/entries/?economy=CHL&amp;page=1" lang="fr" hreflang="fr">Français</a>' in html
    )
    assert (
        '<a href="/es/entries/?economy=CHL&amp;page=1" lang="es" hreflang="es">Español</a>' in html
    )
    assert 'hreflang="en" aria-current="true">English</a>' in html
    french = client.get("/fr/entries/?economy=CHL").content.decode()
    assert '<a href="/entries/?economy=CHL" lang="en" hreflang="en">English</a>' in french
    assert 'hreflang="fr" aria-current="true">Français</a>' in french


def test_navigation_marks_the_current_section(client):
    assert (
        '<a href="/entries/" aria-current="page">Entries</a>'
        in client.get("/entries/").content.decode()
    )
    entry = Entry.objects.first()
    assert (
        '<a href="/entries/" aria-current="true">Entries</a>'
        in client.get(entry.get_absolute_url()).content.decode()
    )
    assert (
        '<a href="/economies/" aria-current="page">Economies</a>'
        in client.get("/economies/").content.decode()
    )
