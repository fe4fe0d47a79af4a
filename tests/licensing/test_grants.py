"""Grants as rows: written at purchase, in step with the license's status, answering "is this use
licensed?" one at a time (API, CLI) and a batch at a time, and backfilled by migration 0009."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.licensing.licenses import coverage, grants_repository
from clearinghouse.licensing.licenses.grants import CoverageQuestion, GrantIndex
from clearinghouse.licensing.licenses.tables import LicenseGrant
from tests.licensing.purchase_support import (
    bought_long_ago,
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
        again = coverage.covering_batch(s, questions[:2])
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


def _batch(sessions, questions):  # noqa: ANN001, ANN202
    with sessions() as s:
        return coverage.covering_batch(s, questions)


def _status(client, m, lic, action: str, body: dict) -> None:  # noqa: ANN001
    current = client.get(f"/api/v1/licenses/{lic['id']}", headers=m.operator.headers).json()
    ops = m.operator.headers | {"If-Match": f'"{current["version"]}"'}
    r = client.post(f"/api/v1/licenses/{lic['id']}/{action}", headers=ops, json=body)
    assert r.status_code == 200, r.text


def test_the_batch_follows_every_change_after_its_copy_is_loaded(client, sessions) -> None:  # noqa: ANN001
    """The batch answers from memory: a purchase, payment, suspension, reinstatement, revocation
    or a moved period after the copy was loaded changes its next answer, as it does the API's."""
    m = make_market(sessions)
    ask = [coverage.question(m.work_id, m.licensee.party_id, "douyin", "CN", TODAY),
           coverage.question(m.work_id, m.licensee.party_id, "douyin", "HK", TODAY)]
    assert _batch(sessions, ask) == [[], []]  # the copy is loaded here, with nothing in it
    lic = buy(client, m.licensee, make_quote(
        sessions, m.licensee, use=use_of(m.work_id))).json()
    assert _batch(sessions, ask) == [[], []]  # pending payment: a claim, not a right
    assert pay(client, m.operator, lic).status_code == 200
    assert _batch(sessions, ask) == [[lic["id"]], []]
    for action, body, expected in (("suspend", {"reason_code": "rights_dispute"}, []),
                                   ("reinstate", {}, [lic["id"]]),
                                   ("revoke", {"reason_code": "rights_dispute"}, [])):
        _status(client, m, lic, action, body)
        assert _batch(sessions, ask)[0] == expected, action
        assert _covered(client, m) is bool(expected), action


def test_the_batch_sees_an_expired_period_and_an_uncleared_country(client, sessions) -> None:  # noqa: ANN001
    """A license bought long ago has ended; a partial purchase grants only what was cleared."""
    m = make_market(sessions, territories=["CN"])  # nobody holds the song in HK
    lic = buy(client, m.licensee, make_quote(
        sessions, m.licensee, use=use_of(m.work_id, territories=["CN", "HK"])),
        accept_partial=True).json()
    assert pay(client, m.operator, lic).status_code == 200

    def q(country: str, on: date) -> CoverageQuestion:
        return coverage.question(m.work_id, m.licensee.party_id, "kuaishou", country, on)

    assert _batch(sessions, [q("CN", TODAY), q("HK", TODAY)]) == [[lic["id"]], []]
    bought_long_ago(sessions, lic["id"], 400)  # a 365-day term that ended 35 days ago
    assert _batch(sessions, [q("CN", TODAY), q("CN", TODAY - timedelta(days=40))]) == [
        [], [lic["id"]]]


def test_the_batch_forgets_what_a_rolled_back_transaction_showed_it(client, sessions) -> None:  # noqa: ANN001
    """A batch inside a transaction sees that transaction's writes; once it rolls back, the
    copy must not keep them (the change's number may even be reused by the next writer)."""
    m = make_market(sessions)
    lic = buy(client, m.licensee, make_quote(
        sessions, m.licensee, use=use_of(m.work_id))).json()
    assert pay(client, m.operator, lic).status_code == 200
    ask = [coverage.question(m.work_id, m.licensee.party_id, "douyin", "CN", TODAY)]
    assert _batch(sessions, ask) == [[lic["id"]]]
    with sessions() as s:
        grants_repository.set_status(s, lic["id"], "revoked")
        assert coverage.covering_batch(s, ask) == [[]]  # its own, uncommitted revocation
        s.rollback()
    assert _batch(sessions, ask) == [[lic["id"]]]
    with unit_of_work(sessions) as s:  # a committed change takes the rolled-back one's number
        grants_repository.set_status(s, lic["id"], "suspended")
    assert _batch(sessions, ask) == [[]]


def test_the_batch_agrees_with_single_lookups(client, sessions) -> None:  # noqa: ANN001
    """Every combination of country, platform, right and day: one answer from both ways."""
    m = make_market(sessions)
    wide = bought_and_paid_with(client, sessions, m, territories=["GREATER_CHINA"],
                                territories_excluded=["TW"], channels=["any_short_video"])
    narrow = bought_and_paid_with(client, sessions, m, territories=["CN", "US"],
                                  channels=["bilibili"])
    questions = [
        coverage.question(m.work_id, party, channel, country, on, right)
        for party in (m.licensee.party_id, m.publisher.party_id)
        for channel in ("douyin", "bilibili", "youtube")
        for country in ("CN", "HK", "TW", "US")
        for on in (TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=365))
        for right in (None, "synchronisation", "master_use")
    ]
    answers = _batch(sessions, questions)
    with sessions() as s:
        assert answers == [grants_repository.covering(s, q) for q in questions]
    assert sorted({i for a in answers for i in a}) == sorted([wide, narrow])
    both = coverage.question(m.work_id, m.licensee.party_id, "bilibili", "CN", TODAY)
    assert _batch(sessions, [both]) == [sorted([wide, narrow])]


def bought_and_paid_with(client, sessions, m, **use) -> str:  # noqa: ANN001, ANN003
    lic = buy(client, m.licensee, make_quote(
        sessions, m.licensee, use=use_of(m.work_id, **use))).json()
    assert pay(client, m.operator, lic).status_code == 200
    return lic["id"]


def test_the_index_folds_a_lines_rows_and_swaps_keys() -> None:
    """Pure: rows of one line fold into one grant; `replace` forgets a key's old lines."""
    start, end = date(2026, 1, 1), date(2027, 1, 1)
    rows = [("lic_1", "lil_1", "wrk_1", "synchronisation", "pty_1", country, channel, start, end)
            for country in ("CN", "HK") for channel in ("douyin", "xigua")]
    rows.append(("lic_2", "lil_2", "wrk_1", "master_use", "pty_1", "CN", "douyin", start, None))
    index = GrantIndex()
    index.replace([], rows)

    def q(**changes) -> CoverageQuestion:  # noqa: ANN003
        fields = {"work_id": "wrk_1", "licensee_id": "pty_1", "channel": "xigua",
                  "country": "HK", "on": date(2026, 6, 1), "right": None} | changes
        return CoverageQuestion(**fields)

    asked = [q(), q(channel="douyin", country="CN"), q(on=end), q(on=end, channel="douyin",
             country="CN"), q(right="master_use"), q(licensee_id="pty_2"), q(on=date(2025, 12, 31))]
    assert index.covering(asked) == [
        ["lic_1"], ["lic_1", "lic_2"], [], ["lic_2"], [], [], []]
    index.replace([("wrk_1", "pty_1")], rows[:1])  # lic_1 now CN x douyin only; lic_2 gone
    assert index.covering(asked[:2]) == [[], ["lic_1"]]
