"""Synthetic entries for benchmarks: text and category mixes shaped like the real compendium,
every one marked `is_synthetic`, slugged `synthetic-<n>` and sourced as "not real information".

Entry n of seed s is always the same entry (its random stream is seeded by both), so a data set
can be rebuilt exactly, in any batch size.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from django.db.models import IntegerField, Max
from django.db.models.functions import Cast, Substr

from compendium.search.indexing import search_index_optimise

from .loaders import DATA_DIR
from .models import Economy, Entry, EntryStatus, Organization, SourceKind, Verification, Workflow
from .services import EntryData, LinkData, SourceData, entry_create_many

SLUG_PREFIX = "synthetic-"
SOURCE_TITLE = "Synthetic entry generated for benchmarks; not real information."
ACTOR = "generate_synthetic"
ORGANISATION_SHARE = 0.25  # entries of an organisation, about no economy
PARTNER_SHARE = 0.2  # of the entries about an economy: reported by an organisation
REGIONAL_SHARE = 0.08  # of the entries about an economy: covering a few more
# Larger Members get several times the entries of the others, as in the real compendium.
LARGER = frozenset(
    [
        "USA",
        "CHN",
        "IND",
        "BRA",
        "EU",
        "JPN",
        "GBR",
        "DEU",
        "FRA",
        "IDN",
        "MEX",
        "NGA",
        "PAK",
        "BGD",
        "KEN",
        "ZAF",
        "KOR",
        "CAN",
        "AUS",
        "TUR",
        "EGY",
        "PHL",
        "VNM",
        "ARG",
        "COL",
        "CHL",
        "PER",
        "SAU",
        "THA",
        "MYS",
        "ETH",
        "RUS",
    ]
)
LARGER_WEIGHT = 8

Words = tuple[str, str, str]  # English, French, Spanish

TOPICS: dict[str, tuple[Words, ...]] = {
    "export_support": (
        ("export readiness", "préparation à l'exportation", "preparación para la exportación"),
        ("export promotion", "promotion des exportations", "promoción de exportaciones"),
        ("access to foreign markets", "accès aux marchés étrangers", "acceso a mercados externos"),
    ),
    "ecommerce": (
        ("e-commerce", "commerce électronique", "comercio electrónico"),
        ("online marketplaces", "places de marché en ligne", "mercados en línea"),
        ("cross-border e-commerce", "commerce électronique transfrontière", "comercio digital"),
    ),
    "tech_products": (
        ("trade in ICT goods", "commerce des produits des TIC", "comercio de bienes de TIC"),
        ("blockchain traceability", "traçabilité par chaîne de blocs", "trazabilidad blockchain"),
    ),
    "trade_agreements": (
        (
            "gender provisions in trade agreements",
            "dispositions sur le genre des accords commerciaux",
            "disposiciones de género en acuerdos comerciales",
        ),
        (
            "trade and gender chapters",
            "chapitres commerce et genre",
            "capítulos de comercio y género",
        ),
    ),
    "trade_facilitation_logistics": (
        ("paperless trade", "commerce sans papier", "comercio sin papel"),
        ("postal logistics", "logistique postale", "logística postal"),
        ("blockchain traceability", "traçabilité par chaîne de blocs", "trazabilidad blockchain"),
    ),
    "digital_skills_education": (
        ("digital skills", "compétences numériques", "habilidades digitales"),
        (
            "coding and STEM training",
            "formation au codage et aux STIM",
            "formación en programación",
        ),
        ("digital literacy", "culture numérique", "alfabetización digital"),
    ),
    "workforce_participation": (
        ("careers in technology", "carrières dans la technologie", "carreras tecnológicas"),
        ("the digital workforce", "la main-d'œuvre numérique", "la fuerza laboral digital"),
    ),
    "access_to_technology": (
        ("broadband connectivity", "connectivité à haut débit", "conectividad de banda ancha"),
        ("affordable smartphones", "smartphones abordables", "teléfonos inteligentes asequibles"),
    ),
    "cybersecurity": (
        ("cybersecurity", "cybersécurité", "ciberseguridad"),
        ("online safety", "sécurité en ligne", "seguridad en línea"),
    ),
    "e_payments": (
        ("mobile money", "argent mobile", "dinero móvil"),
        ("digital payments", "paiements numériques", "pagos digitales"),
    ),
    "access_to_finance": (
        ("access to credit", "accès au crédit", "acceso al crédito"),
        ("credit guarantees", "garanties de crédit", "garantías de crédito"),
        ("venture capital", "capital-risque", "capital de riesgo"),
    ),
    "entrepreneurship_support": (
        ("mentoring", "mentorat", "mentoría"),
        ("business incubation", "incubation d'entreprises", "incubación de empresas"),
        ("business networks", "réseaux d'affaires", "redes empresariales"),
    ),
    "ip_and_innovation": (
        ("intellectual property", "propriété intellectuelle", "propiedad intelectual"),
        ("innovation grants", "subventions à l'innovation", "subvenciones a la innovación"),
    ),
    "public_procurement": (("public procurement", "marchés publics", "contratación pública"),),
    "legal_environment": (
        ("legal barriers", "obstacles juridiques", "barreras jurídicas"),
        ("business registration", "enregistrement des entreprises", "registro de empresas"),
    ),
    "data_and_statistics": (
        ("sex-disaggregated data", "données ventilées par sexe", "datos desglosados por sexo"),
    ),
    "governance_coordination": (
        ("national coordination", "coordination nationale", "coordinación nacional"),
    ),
}
TARGETS: dict[str, Words] = {
    "women_entrepreneurs": (
        "women entrepreneurs",
        "femmes entrepreneures",
        "mujeres emprendedoras",
    ),
    "women_led_msmes": (
        "women-led MSMEs",
        "MPME dirigées par des femmes",
        "mipymes lideradas por mujeres",
    ),
    "women_workers": ("women workers", "travailleuses", "trabajadoras"),
    "young_women": ("young women", "jeunes femmes", "mujeres jóvenes"),
    "women_led_startups": (
        "women-led start-ups",
        "start-up dirigées par des femmes",
        "empresas emergentes de mujeres",
    ),
    "women_green_economy": (
        "women in the green economy",
        "femmes de l'économie verte",
        "mujeres en la economía verde",
    ),
    "indigenous_women": ("indigenous women", "femmes autochtones", "mujeres indígenas"),
    "rural_women": ("rural women", "femmes rurales", "mujeres rurales"),
    "women_farmers": ("women farmers", "agricultrices", "agricultoras"),
    "women_traders": ("women traders", "commerçantes", "mujeres comerciantes"),
    "women_in_general": ("women and girls", "femmes et filles", "mujeres y niñas"),
}
KINDS: dict[str, tuple[Words, ...]] = {
    "policy_or_strategy": (
        ("strategy", "stratégie", "estrategia"),
        ("action plan", "plan d'action", "plan de acción"),
    ),
    "law_or_regulation": (("law", "loi", "ley"), ("regulation", "règlement", "reglamento")),
    "trade_agreement_provision": (("chapter", "chapitre", "capítulo"),),
    "programme": (
        ("programme", "programme", "programa"),
        ("initiative", "initiative", "iniciativa"),
    ),
    "financing_instrument": (
        ("fund", "fonds", "fondo"),
        ("credit line", "ligne de crédit", "línea de crédito"),
    ),
    "training_or_capacity_building": (
        ("academy", "académie", "academia"),
        ("training programme", "programme de formation", "programa de formación"),
        ("bootcamp", "camp d'entraînement", "campamento intensivo"),
    ),
    "platform_or_network": (("platform", "plateforme", "plataforma"), ("network", "réseau", "red")),
    "research_or_data": (("study", "étude", "estudio"), ("survey", "enquête", "encuesta")),
    "institution_or_body": (("council", "conseil", "consejo"), ("unit", "unité", "unidad")),
}
GOALS: tuple[Words, ...] = (
    ("sell online", "vendre en ligne", "vender en línea"),
    ("reach export markets", "atteindre les marchés d'exportation", "llegar a mercados externos"),
    ("adopt digital tools", "adopter des outils numériques", "adoptar herramientas digitales"),
    ("access finance", "accéder au financement", "acceder a financiación"),
    ("protect their businesses online", "protéger leur entreprise en ligne", "proteger su empresa"),
    ("use digital payments", "utiliser les paiements numériques", "usar pagos digitales"),
    ("join regional value chains", "rejoindre les chaînes de valeur", "unirse a cadenas de valor"),
)
SERVICES: tuple[Words, ...] = (
    ("one-to-one mentoring", "un mentorat individuel", "mentoría individual"),
    ("small grants", "de petites subventions", "pequeñas subvenciones"),
    ("market-access missions", "des missions d'accès aux marchés", "misiones comerciales"),
    ("online courses", "des cours en ligne", "cursos en línea"),
    ("technical assistance", "une assistance technique", "asistencia técnica"),
    ("networking events", "des rencontres professionnelles", "encuentros de negocios"),
    ("legal advice", "des conseils juridiques", "asesoría jurídica"),
    ("loans at reduced rates", "des prêts à taux réduit", "préstamos a tasas reducidas"),
)
BRAND_START = ("She", "Her", "Women", "Digi", "Rise", "Mujer", "Femme", "Bright", "Connect")
BRAND_END = ("Trade", "Exports", "Connect", "Tech", "Pay", "Grow", "Hub", "Market", "Lab")
SENTENCES: tuple[Callable[[dict, int], str], ...] = (
    lambda p, i: (
        f"{('Launched', 'Lancé', 'Lanzado')[i]} {('in', 'en', 'en')[i]} {p['year']} "
        f"{('by', 'par', 'por')[i]} {p['implementer'][i]}, "
        + (
            f"the {p['kind'][0]} helps {p['target'][0]} {p['goal'][0]} through "
            f"{p['service'][0]} and {p['service2'][0]}.",
            f"ce {p['kind'][1]} aide les {p['target'][1]} à {p['goal'][1]} grâce à "
            f"{p['service'][1]} et {p['service2'][1]}.",
            f"este {p['kind'][2]} ayuda a {p['target'][2]} a {p['goal'][2]} mediante "
            f"{p['service'][2]} y {p['service2'][2]}.",
        )[i]
    ),
    lambda p, i: (
        f"It focuses on {p['topic'][0]} and {p['topic2'][0]}, with particular attention to "
        f"{p['target2'][0]} in {p['place'][0]}.",
        f"Il porte sur {p['topic'][1]} et {p['topic2'][1]}, avec une attention particulière aux "
        f"{p['target2'][1]} ({p['place'][1]}).",
        f"Se centra en {p['topic'][2]} y {p['topic2'][2]}, con especial atención a "
        f"{p['target2'][2]} ({p['place'][2]}).",
    )[i],
    lambda p, i: (
        f"By {p['year2']} it had reached {p['reached']:,} women, {p['share']} per cent of them "
        "outside the capital.",
        f"En {p['year2']}, il avait touché {p['reached']} femmes, dont {p['share']} % hors de "
        "la capitale.",
        f"En {p['year2']} había llegado a {p['reached']} mujeres, el {p['share']} % de ellas "
        "fuera de la capital.",
    )[i],
    lambda p, i: (
        "Participants receive follow-up support for a year and report their sales, exports and "
        "jobs created, so results can be published as sex-disaggregated data.",
        "Les participantes bénéficient d'un suivi pendant un an et déclarent leurs ventes, "
        "exportations et emplois créés.",
        "Las participantes reciben acompañamiento durante un año e informan de sus ventas, "
        "exportaciones y empleos creados.",
    )[i],
    lambda p, i: (
        f"An evaluation in {p['year2']} found higher online sales and more first-time exporters "
        "among women-owned firms taking part.",
        f"Une évaluation menée en {p['year2']} a constaté une hausse des ventes en ligne des "
        "entreprises de femmes participantes.",
        f"Una evaluación de {p['year2']} constató más ventas en línea entre las empresas de "
        "mujeres participantes.",
    )[i],
)


@dataclass(frozen=True)
class Weights:
    """How often each value occurs, and how many values an entry has (for multi-valued fields)."""

    values: dict[str, float]
    sizes: dict[int, float]

    def one(self, rnd: random.Random) -> str:
        return rnd.choices(list(self.values), weights=list(self.values.values()))[0]

    def several(self, rnd: random.Random) -> tuple[str, ...]:
        size = rnd.choices(list(self.sizes), weights=list(self.sizes.values()))[0]
        chosen: list[str] = []
        pool = dict(self.values)
        while pool and len(chosen) < size:
            value = rnd.choices(list(pool), weights=list(pool.values()))[0]
            chosen.append(value)
            del pool[value]
        return tuple(chosen)


def _weights(items: list[dict], key: str, every: Sequence[str]) -> Weights:
    """The sample's frequencies, with one more of every value so none is left out entirely."""
    counts: Counter[str] = Counter(dict.fromkeys(every, 1))
    sizes: Counter[int] = Counter()
    for item in items:
        value = item.get(key)
        values = value if isinstance(value, list) else [value]
        counts.update(v for v in values if v)
        sizes[len(values)] += 1
    return Weights(values=dict(counts), sizes={n: c for n, c in sizes.items() if n} or {1: 1})


@dataclass(frozen=True)
class Shapes:
    areas: Weights
    groups: Weights
    instruments: Weights
    organisation_kinds: Weights
    gender: Weights
    status: Weights


def sample_shapes(path: Path = DATA_DIR / "sample_initiatives.json") -> Shapes:
    items = json.loads(path.read_text(encoding="utf-8"))
    kinds = _weights(
        [i for i in items if i["contributor_type"] not in {"member", "observer"}],
        "contributor_type",
        ["international_organization", "regional_organization", "development_bank"],
    )
    return Shapes(
        areas=_weights(items, "policy_areas", list(TOPICS)),
        groups=_weights(items, "target_groups", list(TARGETS)),
        instruments=_weights(items, "instrument_type", list(KINDS)),
        organisation_kinds=kinds,
        gender=_weights(items, "gender_focus", ["not_assessed"]),
        status=_weights(items, "status", [EntryStatus.PLANNED]),
    )


@dataclass(frozen=True)
class Place:
    code: str
    names: Words
    is_member: bool


@dataclass(frozen=True)
class Body:
    slug: str
    names: Words
    kind: str
    economy: str


@dataclass(frozen=True)
class SyntheticEntry:
    data: EntryData
    verification: str


class Generator:
    """Builds synthetic entries from the reference data in the database."""

    def __init__(self, *, seed: int, shapes: Shapes | None = None) -> None:
        self.seed = seed
        self.shapes = shapes or sample_shapes()
        self.places = [
            Place(e.code, (e.name_en, e.name_fr, e.name_es), e.status == "member")
            for e in Economy.objects.order_by("code")
        ]
        self.place_weights = [LARGER_WEIGHT if p.code in LARGER else 1 for p in self.places]
        self.bodies = [
            Body(
                o.slug,
                (o.name_en, o.name_fr or o.name_en, o.name_es or o.name_en),
                o.kind.slug,
                o.economy.code if o.economy else "",
            )
            for o in Organization.objects.select_related("kind", "economy").order_by("slug")
        ]
        if not self.places or not self.bodies:
            raise ValueError("Load the reference data first (compendium load_reference).")
        self.bodies_of: dict[str, list[Body]] = {}
        for body in self.bodies:
            self.bodies_of.setdefault(body.economy or body.kind, []).append(body)

    def entry(self, number: int) -> SyntheticEntry:
        rnd = random.Random(f"{self.seed}:{number}")
        shapes = self.shapes
        areas = shapes.areas.several(rnd)
        groups = shapes.groups.several(rnd)
        instrument = shapes.instruments.one(rnd)
        if rnd.random() < ORGANISATION_SHARE:
            body = self._body(rnd, shapes.organisation_kinds.one(rnd))
            places: list[Place] = []
            contributor, contributor_type = body.slug, body.kind
            implementers = [body]
            verification = Verification.PARTNER_REPORTED
        else:
            places = self._places(rnd)
            home = places[0]
            implementers = self.bodies_of.get(home.code, [])[:2]
            if rnd.random() < PARTNER_SHARE:
                body = self._body(rnd, shapes.organisation_kinds.one(rnd))
                implementers = [*implementers, body]
                contributor, contributor_type = body.slug, body.kind
                verification = Verification.PARTNER_REPORTED
            else:
                contributor = home.code
                contributor_type = "member" if home.is_member else "observer"
                verification = rnd.choice(
                    [Verification.MEMBER_VALIDATED, Verification.SUBMITTED_BY_MEMBER]
                )
        if rnd.random() < 0.1:
            verification = Verification.SECRETARIAT_COMPILED
        year = rnd.choices(range(2005, 2026), weights=[1 + (y - 2005) ** 2 for y in range(21)])[0]
        status = shapes.status.one(rnd)
        end_year = rnd.randint(year, 2025) if status == EntryStatus.COMPLETED else None
        parts = self._parts(rnd, areas, groups, instrument, places, implementers, year)
        texts = [self._text(rnd, parts, i) for i in range(3)]
        data = EntryData(
            title="",
            contributor_type=contributor_type,
            instrument_type=instrument,
            policy_areas=areas,
            target_groups=groups,
            economies=tuple(p.code for p in places),
            organizations=tuple(b.slug for b in implementers),
            implementers_as_reported=", ".join(b.names[0] for b in implementers),
            contributor=contributor,
            gender_focus=shapes.gender.one(rnd),
            start_year=year if rnd.random() < 0.8 else None,
            end_year=end_year,
            status=status,
            women_reached=parts["reached"] if rnd.random() < 0.3 else None,
            links=(
                (LinkData(url=f"https://example.org/synthetic/{number}", label="Example page"),)
                if rnd.random() < 0.5
                else ()
            ),
        )
        return SyntheticEntry(self._languages(rnd, data, texts), verification)

    def _body(self, rnd: random.Random, kind: str) -> Body:
        return rnd.choice(self.bodies_of.get(kind) or self.bodies)

    def _places(self, rnd: random.Random) -> list[Place]:
        home = rnd.choices(self.places, weights=self.place_weights)[0]
        if rnd.random() >= REGIONAL_SHARE:
            return [home]
        others = rnd.sample(self.places, rnd.randint(1, 4))
        return [home, *(p for p in others if p != home)]

    def _parts(self, rnd, areas, groups, instrument, places, implementers, year) -> dict:
        topics = [rnd.choice(TOPICS[a]) for a in areas]
        brand = rnd.choice(BRAND_START) + rnd.choice(BRAND_END)
        implementer = (
            implementers[0].names
            if implementers
            else ("the government", "le gouvernement", "el gobierno")
        )
        place = places[0].names if places else ("several regions", "plusieurs régions", "varias")
        return {
            "brand": brand if rnd.random() < 0.4 else "",
            "kind": rnd.choice(KINDS[instrument]),
            "topic": topics[0],
            "topic2": topics[1] if len(topics) > 1 else rnd.choice(TOPICS["ecommerce"]),
            "target": TARGETS[groups[0]],
            "target2": TARGETS[groups[-1]],
            "goal": rnd.choice(GOALS),
            "service": rnd.choice(SERVICES),
            "service2": rnd.choice(SERVICES),
            "implementer": implementer,
            "place": place,
            "year": year,
            "year2": min(2025, year + rnd.randint(1, 6)),
            "reached": rnd.randrange(200, 50_000, 50),
            "share": rnd.randint(20, 80),
        }

    def _text(self, rnd: random.Random, parts: dict, lang: int) -> tuple[str, str]:
        """A title and a 35–70-word description in one language (0 en, 1 fr, 2 es)."""
        kind, topic, target = parts["kind"][lang], parts["topic"][lang], parts["target"][lang]
        title = (
            f"{topic[0].upper()}{topic[1:]} {kind} for {target}",
            f"{kind[0].upper()}{kind[1:]} pour les {target} : {topic}",
            f"{kind[0].upper()}{kind[1:]} para {target}: {topic}",
        )[lang]
        if parts["brand"]:
            title = f"{parts['brand']}: {title}"
        sentences = [SENTENCES[0](parts, lang)]
        for sentence in rnd.sample(SENTENCES[1:], len(SENTENCES) - 1):
            text = sentence(parts, lang)
            if len(" ".join(sentences).split()) + len(text.split()) > 70:
                break
            sentences.append(text)
        return title, " ".join(sentences)

    def _languages(self, rnd: random.Random, data: EntryData, texts: list) -> EntryData:
        """Mostly English originals, some with French or Spanish versions; some French and
        Spanish originals, most with an English version."""
        (title_en, text_en), (title_fr, text_fr), (title_es, text_es) = texts
        roll = rnd.random()
        if roll < 0.12:
            english = rnd.random() < 0.8
            return replace(
                data,
                language="fr",
                title=title_fr,
                description=text_fr,
                title_en=title_en if english else "",
                description_en=text_en if english else "",
            )
        if roll < 0.2:
            english = rnd.random() < 0.8
            return replace(
                data,
                language="es",
                title=title_es,
                description=text_es,
                title_en=title_en if english else "",
                description_en=text_en if english else "",
            )
        return replace(
            data,
            title=title_en,
            description=text_en,
            title_fr=title_fr if roll > 0.85 else "",
            description_fr=text_fr if roll > 0.85 else "",
            title_es=title_es if roll > 0.92 else "",
            description_es=text_es if roll > 0.92 else "",
        )


def synthetic_source(index: int, data: EntryData) -> list[SourceData]:
    return [
        SourceData(
            kind=SourceKind.SECRETARIAT_RESEARCH,
            title=SOURCE_TITLE,
            note=SOURCE_TITLE,
        )
    ]


def next_synthetic_number() -> int:
    """The number after the highest `synthetic-<n>` slug, so generating again adds entries."""
    highest = (
        Entry.objects.filter(slug__startswith=SLUG_PREFIX, is_synthetic=True)
        .annotate(number=Cast(Substr("slug", len(SLUG_PREFIX) + 1), output_field=IntegerField()))
        .aggregate(highest=Max("number"))["highest"]
    )
    return (highest or 0) + 1


def synthetic_generate(
    *,
    count: int,
    seed: int = 1,
    batch: int = 1000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write `count` published synthetic entries through `entry_create_many`, a batch (one
    transaction per verification status in it) at a time."""
    generator = Generator(seed=seed)
    first = next_synthetic_number()
    done = 0
    for numbers in _batches(range(first, first + count), batch):
        by_verification: dict[str, list[tuple[int, EntryData]]] = {}
        for number in numbers:
            made = generator.entry(number)
            by_verification.setdefault(made.verification, []).append((number, made.data))
        for verification, pairs in by_verification.items():
            entry_create_many(
                actor=None,
                actor_label=ACTOR,
                items=[data for _number, data in pairs],
                slugs=[f"{SLUG_PREFIX}{number}" for number, _data in pairs],
                workflow=Workflow.PUBLISHED,
                verification=verification,
                is_synthetic=True,
                sources_for=synthetic_source,
                note=SOURCE_TITLE,
            )
        done += len(numbers)
        if progress:
            progress(done, count)
    search_index_optimise()
    return done


def _batches(numbers: range, size: int) -> Iterator[range]:
    for start in range(0, len(numbers), size):
        yield numbers[start : start + size]
