"""The platform console: 抖音 checks whether an upload's use is licensed and sees the licences
held for uses on 抖音, and nothing of other platforms. Real HTTP through the app on the demo
market (its platform parties run their platforms), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.web.support import buy, recording_of, sign_in, sign_up

DOUYIN = ("douyin@demo.clearinghouse.example", "demo-douyin-password")  # docs/demo.md
DOUYIN_KEY = {"Authorization": "Bearer chk_de0000000006_demo-platform-douyin"}
SONG = "夏日的风"
PARTY = re.compile(r'<span class="meta">(pty_[A-Za-z0-9]+)</span>')


def _bought(client) -> tuple[str, str]:  # noqa: ANN001
    """A new creator buys the recording of the demo song for 抖音; (work id, licence id)."""
    assert sign_up(client, "uploader@example.com").status_code == 303
    work_id = recording_of(client, SONG)
    return work_id, buy(client, work_id).rsplit("/", 1)[-1]


def test_the_platform_sees_its_creators_licences_and_checks_an_upload(browser_client, second_client):
    work_id, licence_id = _bought(second_client)
    assert sign_in(browser_client, *DOUYIN).status_code == 303
    listed = browser_client.get("/platform/licences")
    assert listed.status_code == 200 and f"/verify/{licence_id}" in listed.text
    creator = PARTY.findall(listed.text)[0]

    yes = browser_client.get("/platform", params={"work": work_id, "uploader": creator})
    assert yes.status_code == 200 and 'class="ok" id="verdict"' in yes.text and licence_id in yes.text
    isrc = browser_client.get(f"/api/v1/works/{work_id}").json()["identifiers"][0]
    by_identifier = browser_client.get("/platform", params={
        "work": f"{isrc['scheme']}:{isrc['value']}", "uploader": creator})
    assert licence_id in by_identifier.text

    before = (date.today() - timedelta(days=400)).isoformat()
    no = browser_client.get("/platform", params={"work": work_id, "uploader": creator, "on": before})
    assert no.status_code == 200 and 'class="error" id="verdict"' in no.text and licence_id not in no.text
    recordings = browser_client.get("/api/v1/works", params={"type": "sound_recording", "limit": 5}).json()
    another_song = next(item["id"] for item in recordings["items"] if item["id"] != work_id)
    assert 'class="error" id="verdict"' in browser_client.get(
        "/platform", params={"work": another_song, "uploader": creator}).text


def test_the_platform_is_refused_other_platforms(browser_client, second_client):
    work_id, _ = _bought(second_client)
    assert sign_in(browser_client, *DOUYIN).status_code == 303
    assert browser_client.get("/platform/licences", params={"channel": "kuaishou"}).status_code == 403
    creator = PARTY.findall(browser_client.get("/platform/licences").text)[0]
    other = browser_client.get("/platform", params={"work": work_id, "uploader": creator, "channel": "kuaishou"})
    assert other.status_code == 403
    # the API answers the same: its own platform yes, another no
    asked = {"work_id": work_id, "licensee_id": creator, "country": "CN"}
    own = browser_client.get("/api/v1/licenses/coverage", params=asked | {"channel": "douyin"}, headers=DOUYIN_KEY)
    assert own.status_code == 200 and own.json()["covered"] is True
    assert browser_client.get("/api/v1/licenses/coverage", params=asked | {"channel": "kuaishou"},
                              headers=DOUYIN_KEY).status_code == 403


def test_bad_input_says_why_and_keeps_the_form(browser_client):
    assert sign_in(browser_client, *DOUYIN).status_code == 303
    unknown = browser_client.get("/platform", params={"work": "isrc:CNA009999999", "uploader": "pty_nobody"})
    assert unknown.status_code == 404 and 'role="alert"' in unknown.text and 'value="isrc:CNA009999999"' in unknown.text
    bad = browser_client.get("/platform", params={"work": "isrc:not-an-isrc", "uploader": "pty_x"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text


def test_the_console_is_only_for_platforms(browser_client, second_client):
    assert browser_client.get("/platform", follow_redirects=False).headers["location"].startswith("/sign-in")
    assert sign_up(second_client, "not-a-platform@example.com").status_code == 303
    assert second_client.get("/platform").status_code == 403
    assert second_client.get("/platform/licences").status_code == 403
