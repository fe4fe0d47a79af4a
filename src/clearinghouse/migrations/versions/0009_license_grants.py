"""license grants: what each license grants, as rows (license x work x right x country x channel)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:00:00

Adds `license_lines.countries` (where each line grants its right) and the `license_grants` table,
indexed for "which active license covers work W, right R, for party P on channel C in country X
on day D?". Existing licenses are backfilled from their use: every line in every country of the
use's territory, on every channel (`any_short_video`: the platforms the `platforms` table of
migration 0008 marks short-video when this runs). The territories are written out below as they
stood when this migration was made, so the backfill never changes when today's code does.
"""

import json
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
BATCH = 5_000

# Regions and their countries (ISO 3166-1 alpha-2) on 2026-12-02; WORLD is every country.
REGIONS = {k: frozenset(v.split()) for k, v in {
    "WORLD": """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
        BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
        DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
        GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
        JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
        MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP
        NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD
        SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
        TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
    """,
    "GREATER_CHINA": """
        CN HK MO TW
    """,
    "EU": """
        AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK
    """,
    "ASEAN": """
        BN ID KH LA MM MY PH SG TH TL VN
    """,
    "NORTH_AMERICA": """
        BM CA GL MX PM US
    """,
    "LATAM": """
        AG AI AR AW BB BL BO BQ BR BS BV BZ CL CO CR CU CW DM DO EC FK GD GF GP GS GT GY HN
        HT JM KN KY LC MF MQ MS MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI
    """,
    "EUROPE": """
        AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT
        JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK
    """,
    "MIDDLE_EAST": """
        AE BH EG IL IQ IR JO KW LB OM PS QA SA SY TR YE
    """,
    "AFRICA": """
        AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW IO KE KM LR LS
        LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TF TG TN TZ UG
        YT ZA ZM ZW
    """,
    "APAC": """
        AS AU BD BN BT CC CK CN CX FJ FM GU HK HM ID IN JP KH KI KP KR LA LK MH MM MN MO MP
        MV MY NC NF NP NR NU NZ PF PG PH PK PN PW SB SG TH TK TL TO TV TW UM VN VU WF WS
    """,
}.items()}
COUNTRIES = REGIONS["WORLD"]


def _countries(codes: list[str]) -> set[str]:
    out: set[str] = set()
    for code in codes or []:
        key = str(code).strip().upper()
        out |= REGIONS.get(key, {key} if key in COUNTRIES else set())
    return out


def _channels(codes: list[str], short_video: set[str]) -> list[str]:
    out: set[str] = set()
    for code in codes or []:
        out |= short_video if code == "any_short_video" else {code}
    return sorted(out)


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def _date(value: object) -> object:
    return date.fromisoformat(value) if isinstance(value, str) else value


def upgrade() -> None:
    op.add_column(
        "license_lines",
        sa.Column("countries", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )
    op.create_table(
        "license_grants",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("license_id", sa.String(length=40), nullable=False),
        sa.Column("line_id", sa.String(length=40), nullable=False),
        sa.Column("work_id", sa.String(length=40), nullable=False),
        sa.Column("right", sa.String(length=40), nullable=False),
        sa.Column("licensee_id", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["license_id"], ["licenses.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["line_id"], ["license_lines.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_license_grants_license_id", "license_grants", ["license_id"])
    op.create_index("ix_license_grants_line_id", "license_grants", ["line_id"])
    op.create_index(
        "ix_license_grants_coverage",
        "license_grants",
        ["work_id", "licensee_id", "country", "channel", "valid_from"],
    )
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    # `any_short_video` means the platforms marked short-video in the platforms table (0008) as
    # it stands when this runs: data, never today's code.
    short_video = {r.code for r in conn.execute(sa.text(
        "SELECT code FROM platforms WHERE short_video"))}
    licenses = {
        row.id: row
        for row in conn.execute(sa.text(
            "SELECT id, licensee_id, status, use, valid_from, valid_to, exclusive FROM licenses"
        ))
    }
    lines = conn.execute(sa.text(
        'SELECT id, license_id, work_id, "right" FROM license_lines ORDER BY license_id, position'
    )).all()
    grants: list[dict[str, object]] = []
    insert = sa.text(
        'INSERT INTO license_grants (license_id, line_id, work_id, "right", licensee_id, country, '
        "channel, valid_from, valid_to, status, exclusive) VALUES (:license_id, :line_id, "
        ":work_id, :right, :licensee_id, :country, :channel, :valid_from, :valid_to, :status, "
        ":exclusive)"
    )
    set_countries = sa.text(
        "UPDATE license_lines SET countries = :countries WHERE id = :id"
    ).bindparams(sa.bindparam("countries", type_=sa.JSON()))
    for line in lines:
        lic = licenses[line.license_id]
        use = _json(lic.use)
        countries = sorted(
            _countries(use.get("territories")) - _countries(use.get("territories_excluded"))
        )
        conn.execute(set_countries, {"countries": countries, "id": line.id})
        for country in countries:
            for channel in _channels(use.get("channels"), short_video):
                grants.append({
                    "license_id": lic.id, "line_id": line.id, "work_id": line.work_id,
                    "right": line.right, "licensee_id": lic.licensee_id, "country": country,
                    "channel": channel, "valid_from": _date(lic.valid_from),
                    "valid_to": _date(lic.valid_to), "status": lic.status,
                    "exclusive": bool(lic.exclusive),
                })
        if len(grants) >= BATCH:
            conn.execute(insert, grants)
            grants = []
    if grants:
        conn.execute(insert, grants)


def downgrade() -> None:
    op.drop_table("license_grants")
    with op.batch_alter_table("license_lines") as batch:
        batch.drop_column("countries")
