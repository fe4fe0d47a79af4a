"""Grants as rows: written at purchase, in step with the license's status, answering "is this use
licensed?" one at a time (API, CLI) and a batch at a time, and backfilled by migration 0009."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from clearinghouse.access.domain import Role
from clearinghouse.licensing.licenses import coverage
from clearinghouse.licensing.licenses.tables import LicenseGrant
from tests.licensing.purchase_support import (
    buy,
    hold_in,
    make_market,
    make_quote,
    pay,
    use_of,
)
from tests.support.factories import make_actor

TODAY = date.today()


def _ask(client, actor, m, **changes):  # noqa: ANN001, ANN003, ANN202
    params = {"work_id": m.work_id, "licensee_id": m.licensee.party_id, "channel": "douyin",
              "country": "CN", "on": TODAY.isoformat()} | changes
    return client.get("/api/v1/licenses/coverage", headers=actor.headers, params=params)


def _field(r) -> str:  # noqa: ANN001
    return r.json()["error"]["details"][0]["field"]


def _covered(client, m, **changes) -> bool:  # noqa: ANN001, ANN003
    r = _ask(client, m.licensee, m, **changes)
    assert r.status_code == 200, r.text
    return r.json()["covered"]


def _grants(sessions, license_id: str) -> list[tuple]:  # noqa: ANN001
    with sessions() as s:
        return sorted(
            (g.line_id, g.work_id, g.right, g.country, g.channel, g.valid_from, g.valid_to,
             g.status, g.licensee_id)
            for g in s.scalars(select(LicenseGrant).where(LicenseGrant.license_id == license_id))
        )


def test_a_license_covers_its_use_only_while_active(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    lic = buy(client, m.licensee, quote_id).json()
    # Two lines x CN x (douyin, kuaishou): one row each.
    assert len(_grants(sessions, lic["id"])) == 4
    assert not _covered(client, m)  # pending payment: not yet a right
    assert pay(client, m.operator, lic).status_code == 200
    assert _covered(client, m) and _covered(client, m, right="synchronisation")
    assert _ask(client, m.licensee, m).json()["license_ids"] == [lic["id"]]
    # Outside what it grants: another country, platform, right, or a day after its end.
    assert not _covered(client, m, country="HK")
    assert not _covered(client, m, channel="bilibili")
    assert not _covered(client, m, right="master_use")
    assert not _covered(client, m, on=(TODAY + timedelta(days=365)).isoformat())
    assert _covered(client, m, on=(TODAY + timedelta(days=364)).isoformat())

    steps = [("suspend", {"reason_code": "rights_dispute"}, False), ("reinstate", {}, True),
             ("revoke", {"reason_code": "rights_dispute"}, False)]
    for action, body, covered in steps:
        current = client.get(f"/api/v1/licenses/{lic['id']}", headers=m.operator.headers).json()
        ops = m.operator.headers | {"If-Match": f'"{current["version"]}"'}
        r = client.post(f"/api/v1/licenses/{lic['id']}/{action}", headers=ops, json=body)
        assert r.status_code == 200, r.text
        assert _covered(client, m) is covered, action
    assert {g[7] for g in _grants(sessions, lic["id"])} == {"revoked"}


def test_who_may_ask_and_bad_questions(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    stranger = make_actor(sessions, "Stranger", Role.LICENSEE)
    assert _ask(client, m.licensee, m).status_code == 200  # about itself
    assert _ask(client, m.publisher, m).status_code == 200  # holds the work
    assert _ask(client, m.operator, m).status_code == 200
    r = _ask(client, stranger, m)
    assert r.status_code == 403 and _field(r) == "licensee_id"
    assert client.get("/api/v1/licenses/coverage", params={"work_id": m.work_id}).status_code \
        == 401
    for bad, field in (({"channel": "any_short_video"}, "channel"),
                       ({"channel": "myspace"}, "channel"),
                       ({"country": "XX"}, "country"),
                       ({"right": "flying"}, "right")):
        r = _ask(client, m.licensee, m, **bad)
        assert r.status_code == 422 and _field(r) == field, (bad, r.text)


def test_the_batch_answers_every_question_in_order(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    lic = buy(client, m.licensee, quote_id).json()
    assert pay(client, m.operator, lic).status_code == 200

    def q(**changes):  # noqa: ANN003, ANN202
        fields = {"work_id": m.work_id, "licensee_id": m.licensee.party_id,
                  "channel": "douyin", "country": "CN", "on": TODAY} | changes
        return coverage.question(**fields)

    questions = [q(), q(country="HK"), q(channel="kuaishou", right="synchronisation"),
                 q(licensee_id=m.publisher.party_id), q(on=TODAY - timedelta(days=1))] * 3
    with sessions() as s:
        answers = coverage.covering_batch(s, questions)
        again = coverage.covering_batch(s, questions[:2])  # the temporary table starts empty
    assert answers == [[lic["id"]], [], [lic["id"]], [], []] * 3
    assert again == [[lic["id"]], []]


def test_the_cli_answers_with_its_exit_code(client, sessions, cli) -> None:  # noqa: ANN001
    m = make_market(sessions)
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    lic = buy(client, m.licensee, quote_id).json()
    assert pay(client, m.operator, lic).status_code == 200
    args = ["license", "covers", "--work", m.work_id, "--licensee", m.licensee.party_id,
            "--channel", "douyin"]
    yes = cli.json(*args, "--country", "CN")
    assert yes["covered"] is True and yes["license_ids"] == [lic["id"]]
    assert cli(*args, "--country", "HK").exit_code == 1


def test_the_migration_backfills_grants_of_existing_licenses(client, sessions, engine) -> None:  # noqa: ANN001
    from alembic import command

    from clearinghouse.core.migrate import alembic_config
    from clearinghouse.licensing.terms import short_video_platforms

    m = make_market(sessions)
    use = use_of(m.work_id, territories=["GREATER_CHINA"], territories_excluded=["TW"],
                 channels=["any_short_video"])
    quote_id = make_quote(sessions, m.licensee, use=use)
    lic = buy(client, m.licensee, quote_id).json()
    assert pay(client, m.operator, lic).status_code == 200
    before = _grants(sessions, lic["id"])
    platforms = len(short_video_platforms())  # the seeded list: 13 short-video platforms
    assert platforms >= 10 and len(before) == 2 * 3 * platforms  # 2 lines x (CN, HK, MO) x each
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    for step, target in ((command.downgrade, "0008"), (command.upgrade, "head")):
        with engine.begin() as connection:  # as before grants existed, then migrated again
            cfg.attributes["connection"] = connection
            step(cfg, target)
    # Same rows (ids aside), lines state their countries again, and the question is answered.
    assert _grants(sessions, lic["id"]) == before
    got = client.get(f"/api/v1/licenses/{lic['id']}", headers=m.licensee.headers).json()
    assert {tuple(ln["countries"]) for ln in got["lines"]} == {("CN", "HK", "MO")}
    assert _covered(client, m, country="MO", channel="xigua")


def test_exclusivity_counts_each_lines_own_countries(client, sessions) -> None:  # noqa: ANN001
    """An exclusive license that cleared CN only (bought partially for CN + HK) leaves HK free."""
    m = make_market(sessions, territories=["CN"])  # nobody holds the song in HK yet
    rival = make_actor(sessions, "Rival 对手", Role.LICENSEE)
    first = buy(client, m.licensee, make_quote(
        sessions, m.licensee, use=use_of(m.work_id, territories=["CN", "HK"], exclusive=True)),
        accept_partial=True)
    assert first.status_code == 201, first.text
    hold_in(sessions, m, ["HK"])  # the holders register HK afterwards
    in_hk = make_quote(sessions, rival, use=use_of(m.work_id, territories=["HK"], exclusive=True))
    assert buy(client, rival, in_hk).status_code == 201  # HK was never granted
    in_cn = make_quote(sessions, rival, use=use_of(m.work_id, territories=["CN"], exclusive=True))
    r = buy(client, rival, in_cn)
    assert r.status_code == 409 and r.json()["error"]["details"][0]["license_id"] \
        == first.json()["id"]
