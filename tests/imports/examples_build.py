# The rows are data, one value per line of the sheet; long cells stay whole.
# ruff: noqa: E501
"""How the example files in `compendium/imports/data/examples/` were made (run it to remake
them): three partner files of different shapes, with the mess real files have."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

EXAMPLES = Path(__file__).parents[2] / "src" / "compendium" / "imports" / "data" / "examples"

ITC_HEADER = [
    "Internal ID",
    "Programme",
    "Summary",
    "Country",
    "Focus areas",
    "Beneficiaries",
    "Type of support",
    "Partners",
    "Start date",
    "End date",
    "Website",
    "Status",
]
ITC_ROWS = [
    [
        "ITC-001",
        "SheTrades Kenya: selling online",
        "Coaching for women-owned SMEs to sell on regional e-commerce marketplaces.",
        "Kenya",
        "E-commerce; Market access",
        "Women-owned SMEs",
        "Training",
        "KEPSA",
        datetime(2021, 3, 1),
        2024,
        "https://www.shetrades.com/kenya",
        "Closed",
    ],
    [
        "ITC-002",
        "Ajira Digital Programme (AjiraForShe)",
        "Online work and digital skills for young women in Kenya.",
        "Kenya",
        "Digital skills",
        "Young women",
        "Programme",
        "",
        "March 2020",
        None,
        "ajiradigital.go.ke",
        "Ongoing",
    ],
    [
        "ITC-003",
        "Women exporters in the digital economy: Viet Nam",
        "Grants for women-led firms to reach buyers abroad online.",
        "Vietnam",
        "Export readiness; Finance",
        "Women entrepreneurs",
        "Grant",
        "",
        2022,
        2025,
        "https://www.intracen.org/vnm",
        "Ongoing",
    ],
    [
        "ITC-004",
        "SheTrades Türkiye digital export hub",
        "An online platform and mentoring network helping women exporters sell on e-commerce marketplaces.",
        "Turkey",
        None,
        "Women-led businesses",
        "Platform",
        "",
        2023,
        None,
        None,
        "Ongoing",
    ],
    [
        "ITC-005",
        "Korea e-commerce export vouchers for women-owned firms",
        '=CONCATENATE("Vouchers ","for exporters")',
        "Korea, Rep.",
        "E-commerce",
        "Women-owned SMEs",
        "Grant",
        "",
        "2021-05-10",
        None,
        None,
        "Ongoing",
    ],
    [
        "ITC-006",
        "Mobile payments pilot for women traders in Côte d'Ivoire",
        "Mobile money wallets for women cross-border traders.",
        "Ivory Coast",
        "Payments",
        "Women traders",
        "Project",
        "",
        "01/06/2021",
        None,
        None,
        "Pipeline",
    ],
    [
        "ITC-007",
        "Hong Kong women founders network",
        "Peer network and mentoring for women founders trading online.",
        "Hong Kong SAR",
        "Networks",
        "Women entrepreneurs",
        "Platform",
        "",
        2019,
        None,
        None,
        "Ongoing",
    ],
    [
        "ITC-008",
        "Digital trade training for women cross-border traders",
        "<b>Training</b> on customs and online sales <script>alert('x')</script>for traders at the borders.",
        "Rwanda",
        "Skills; Logistics",
        "Cross-border traders",
        "Training",
        "",
        2020,
        2022,
        None,
        "Closed",
    ],
    [
        "ITC-009",
        "SheTrades Rwanda project",
        "Connecting women-owned businesses in Rwanda to international markets.",
        None,
        "Market access",
        "Women-owned SMEs",
        "Project",
        "",
        2018,
        2021,
        None,
        "Closed",
    ],
]


def build_itc() -> None:
    workbook = openpyxl.Workbook()
    readme = workbook.active
    readme.title = "Read me"
    readme["A1"] = "Example list of programmes, shaped like the files ITC shares. Not real data."
    sheet = workbook.create_sheet("Programmes")
    sheet["A1"] = "SheTrades programme list (example)"
    sheet.merge_cells("A1:L1")
    sheet.append([])
    sheet.append(ITC_HEADER)
    for row in ITC_ROWS[:6]:
        sheet.append(row)
    sheet.append(ITC_HEADER)  # two lists pasted one under the other
    for row in ITC_ROWS[6:]:
        sheet.append(row)
    # ITC-008 and ITC-009 are both in Rwanda: the country cell is merged over the two rows.
    last = sheet.max_row
    sheet.merge_cells(f"D{last - 1}:D{last}")
    workbook.save(EXAMPLES / "itc_programmes.xlsx")


ITU_HEADER = [
    "Intitulé de la pratique",
    "Description",
    "Pays",
    "Thématique",
    "Public visé",
    "Type",
    "Année de lancement",
    "Lien",
    "Organisme responsable",
    "Commentaire interne",
]
ITU_ROWS = [
    [
        "Programme national de compétences numériques pour les filles",
        "Ateliers de codage et de culture numérique pour les filles des lycées.",
        "Sénégal",
        "Compétences numériques",
        "Filles et jeunes femmes",
        "Programme",
        2019,
        "https://www.itu.int/sen-filles",
        "Ministère de la Communication",
        "à vérifier",
    ],
    [
        "Stratégie de cybersécurité inclusive",
        "Volet genre des stratégies nationales de cybersécurité : sécurité en ligne des femmes.",
        "Côte d'Ivoire / Burkina Faso",
        "Cybersécurité",
        "Toutes les femmes",
        "Stratégie",
        "2020",
        "",
        "Autorités nationales",
        "",
    ],
    [
        "Réseau des femmes dans le numérique du Maroc",
        "Réseau professionnel et mentorat pour les femmes du secteur numérique.",
        "Maroc",
        "Emploi, Connectivité",
        "Travailleuses",
        "Réseau",
        2021,
        "https://www.itu.int/mar-reseau",
        "",
        "",
    ],
    [
        "Observatoire des données de genre et TIC",
        "Collecte de données ventilées par sexe sur l'accès aux TIC.",
        "Tunisie",
        "Données et statistiques",
        "Toutes les femmes",
        "Étude",
        "2018",
        "",
        "Institut national de la statistique",
        "",
    ],
    [
        "Formation au commerce en ligne pour les femmes rurales",
        "Formation à la vente en ligne et au paiement mobile pour les coopératives de femmes rurales.",
        "Bénin",
        None,
        "Femmes rurales",
        "Formation",
        "2022",
        "",
        "",
        "",
    ],
]


def build_itu() -> None:
    workbook = openpyxl.Workbook()
    readme = workbook.active
    readme.title = "Lisez-moi"
    readme["A1"] = "Catalogue d'exemple, à la manière des fichiers de l'UIT. Données fictives."
    sheet = workbook.create_sheet("Pratiques")
    sheet.append(ITU_HEADER)
    for row in ITU_ROWS:
        sheet.append(row)
    workbook.save(EXAMPLES / "itu_pratiques.xlsx")


GATF_LINES = [
    "Proyecto;Descripción;País;Área;Beneficiarias;Inicio;Fin;Enlace",
    "Ventanilla única para comerciantes transfronterizas;Trámites aduaneros en línea para mujeres que comercian en la frontera;Guatemala;Facilitación del comercio, Ventanilla única;Comerciantes transfronterizas;01/02/2019;31/12/2022;https://www.tradefacilitation.org/gtm",
    "Pagos digitales en aduanas;Pago electrónico de aranceles para pequeñas comerciantes;Honduras;Pagos digitales;Mujeres comerciantes;15/03/2020;;",
    "Logística para exportadoras;Consolidación de envíos y capacitación logística para exportadoras;Colombia;Logística;Exportadoras;2021;2023;",
    "Comercio electrónico para mipymes;Tiendas en línea y envíos internacionales para mipymes lideradas por mujeres;Perú;Comercio electrónico;Mipymes lideradas por mujeres;marzo 2022;;",
]


def build_gatf() -> None:
    text = "\r\n".join(GATF_LINES) + "\r\n"
    (EXAMPLES / "gatf_proyectos.csv").write_bytes(text.encode("latin-1"))


if __name__ == "__main__":
    build_itc()
    build_itu()
    build_gatf()
