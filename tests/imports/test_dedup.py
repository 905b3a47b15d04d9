"""Duplicate detection on a small labelled set: pairs a curator would call the same programme,
and pairs that only look alike."""

from __future__ import annotations

import pytest

from compendium.imports.dedup import CANDIDATE_SCORE, Matcher, Record

# (existing, incoming, same programme?)
LABELLED = [
    (
        (
            "Ajira Digital Program (incl. AjiraForShe)",
            "Online work and digital skills for young people.",
            "KEN",
            "",
        ),
        (
            "Ajira Digital Programme - AjiraForShe",
            "Online work and digital skills for young women.",
            "KEN",
            "",
        ),
        True,
    ),
    (
        (
            "SheTrades Rwanda project",
            "Connecting women-owned businesses in Rwanda to markets.",
            "RWA",
            "",
        ),
        ("SheTrades Rwanda Project", "", "RWA", ""),
        True,
    ),
    (
        ("Mahila E-Haat", "Online marketing platform for women entrepreneurs.", "IND", ""),
        (
            "Mahila e-Haat portal",
            "Online marketing platform for women entrepreneurs and SHGs.",
            "IND",
            "",
        ),
        True,
    ),
    (
        (
            "Women Entrepreneurship Strategy",
            "Canada's strategy for women entrepreneurs.",
            "CAN",
            "",
        ),
        (
            "Women Entrepreneurship Strategy (WES)",
            "A $7 billion strategy helping women grow businesses.",
            "CAN",
            "",
        ),
        True,
    ),
    (
        (
            "Export coaching for women",
            "Coaching.",
            "CHL",
            "https://www.prochile.gob.cl/mujer-exporta",
        ),
        (
            "ProChile women exporters",
            "Different words.",
            "CHL",
            "http://prochile.gob.cl/mujer-exporta/",
        ),
        True,
    ),
    # Look alike, are not the same:
    (
        ("Digital skills for women", "Training in basic computer use.", "KEN", ""),
        ("Digital skills for women", "Training in basic computer use.", "NGA", ""),
        False,
    ),
    (
        (
            "Women in cybersecurity mentoring",
            "Mentoring for women security professionals.",
            "SGP",
            "",
        ),
        ("Women in e-commerce grants", "Grants for online shops run by women.", "SGP", ""),
        False,
    ),
    (
        ("SheTrades Rwanda project", "Connecting women-owned businesses to markets.", "RWA", ""),
        ("SheTrades Kenya project", "Connecting women-owned businesses to markets.", "KEN", ""),
        False,
    ),
    (
        ("Export training", "Training.", "CHL", "https://www.intracen.org"),
        ("Mobile money pilot", "Payments.", "CHL", "https://www.intracen.org"),
        False,
    ),
]


def _record(key, values) -> Record:
    title, description, economy, url = values
    return Record(
        key=key,
        title=title,
        description=description,
        economies=(economy,),
        urls=(url,) if url else (),
    )


@pytest.mark.parametrize(("existing", "incoming", "same"), LABELLED)
def test_labelled_pairs(existing, incoming, same):
    matches = Matcher([_record(1, existing)]).matches(_record("row", incoming))
    assert bool(matches) == same, matches
    if same:
        assert matches[0].score >= CANDIDATE_SCORE
        assert matches[0].reasons


def test_reasons_say_why():
    existing = _record(1, LABELLED[4][0])
    match = Matcher([existing]).matches(_record("row", LABELLED[4][1]))[0]
    assert "same web address" in match.reasons
    assert any(reason.startswith("same economy: CHL") for reason in match.reasons)


def test_rows_of_one_batch_are_matched_with_each_other(db, secretariat_user):
    from compendium.imports.services import batch_create

    header = "Proyecto;Descripción;País;Área;Beneficiarias;Inicio;Fin;Enlace"
    lines = [
        header,
        "Ventanilla única digital;Trámites en línea;Chile;Logística;Exportadoras;;;",
        "Ventanilla unica digital;Trámites en línea;Chile;Logística;Exportadoras;;;",
        "Algo distinto;Otra cosa;Chile;Logística;Exportadoras;2020;;",
    ]
    report = batch_create(
        actor=secretariat_user,
        content="\n".join(lines).encode(),
        file_name="dup.csv",
        source="gatf-proyectos",
        dry_run=True,
    )
    first, second, other = report.rows
    assert first.matches[0]["kind"] == "row"
    assert first.matches[0]["row"] == 3
    assert second.matches[0]["row"] == 2
    assert other.matches == []
    assert first.decision == second.decision == ""  # the curator decides
    assert other.decision == "new"
