"""The owner's bulk import on a page: the CSV goes to the API's import job, the page shows its
progress (an htmx-polled fragment, a refresh link without JavaScript) and each rejected row with
its reason; real HTTP on SQLite and PostgreSQL with the demo owners."""

from __future__ import annotations

import re

from clearinghouse.core.db import unit_of_work
from clearinghouse.core.jobs import service as jobs
from clearinghouse.registry.import_job import KIND
from tests.web.support import form_token, sign_in, sign_up

YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
ERGENG = ("ergeng@demo.clearinghouse.example", "demo-ergeng-password")
HEADER = "ref,type,title,creators,rights,share,territories,warranty"
CATALOGUE = "\n".join([
    HEADER,
    "v1,short_video,导入的视频一,王导:director,reproduce;perform_public,100,CN,yes",
    "v2,short_video,导入的视频二,,reproduce,150,CN,yes",  # a share over 100%: rejected
    "p1,photograph,导入的照片,李摄:photographer,reproduce,100,WORLD,yes",
]) + "\n"


def _upload(client, body: str, **mode: str):  # noqa: ANN001, ANN202
    token = form_token(client.get("/owner/import"))
    return client.post("/owner/import/file", data={"csrf_token": token, **mode},
                       files={"file": ("catalogue.csv", body.encode(), "text/csv")}, follow_redirects=False)


def test_an_owner_imports_a_csv_and_sees_each_rejected_row_with_its_reason(browser_client):
    assert sign_in(browser_client, *YITIAO).status_code == 303
    started = _upload(browser_client, CATALOGUE)
    assert started.status_code == 303, started.text[-800:]
    job_page = started.headers["location"]
    assert re.fullmatch(r"/owner/import/job_[A-Za-z0-9]+", job_page), job_page
    browser_client.app.state.jobs.wait_idle(timeout=120)
    done = browser_client.get(job_page)
    assert done.status_code == 200 and 'id="import-done"' in done.text
    assert "hx-trigger" not in done.text  # finished: nothing polls any more
    errors = re.search(r'<table id="row-errors">(.*?)</table>', done.text, re.S)
    assert errors and re.search(r'<td class="num">3</td><td>v2</td><td>share</td>', errors[1])
    assert "v1" not in errors[1] and "p1" not in errors[1]
    works = browser_client.get("/owner/works").text
    assert "导入的视频一" in works and "导入的照片" in works and "导入的视频二" not in works


def test_a_running_import_shows_a_progress_bar_that_polls_and_a_refresh_link(browser_client):
    assert sign_in(browser_client, *YITIAO).status_code == 303
    party_id = browser_client.get("/api/v1/parties", params={"role": "owner", "limit": 100}).json()
    yitiao = next(p["id"] for p in party_id["items"] if p["name"].startswith("一条"))
    with unit_of_work(browser_client.app.state.sessions) as db:  # a job not yet run: deterministic
        job, _ = jobs.submit(db, kind=KIND, owner_party_id=yitiao, total=40, dedupe_key=None)
        jobs.record_progress(db, job.id, 10, 40, "checking")
        job_id = job.id
    page = browser_client.get(f"/owner/import/{job_id}")
    assert page.status_code == 200
    assert '<progress id="import-bar" max="100" value="25">' in page.text
    assert f'hx-get="/owner/import/{job_id}/progress" hx-trigger="every 1s"' in page.text
    assert f'href="/owner/import/{job_id}" id="refresh"' in page.text
    fragment = browser_client.get(f"/owner/import/{job_id}/progress")
    assert fragment.text.lstrip().startswith('<section id="import-progress"') and "<html" not in fragment.text


def test_an_unreadable_file_is_refused_on_the_form_and_registers_nothing(browser_client):
    assert sign_in(browser_client, *YITIAO).status_code == 303
    wrong = _upload(browser_client, "ref,type,title,colour\nx,short_video,不该导入,red\n")
    assert wrong.status_code == 422 and 'id="form-error"' in wrong.text and "colour" in wrong.text
    assert "不该导入" not in browser_client.get("/owner/works").text


def test_another_owners_import_is_not_found_and_the_form_needs_its_token_and_an_owner(
        browser_client, second_client):
    assert sign_in(second_client, *ERGENG).status_code == 303
    started = _upload(second_client, CATALOGUE.replace("导入", "二更导入"), dry_run="yes")
    assert started.status_code == 303
    second_client.app.state.jobs.wait_idle(timeout=120)
    assert "Nothing was registered" in second_client.get(started.headers["location"],
                                                         headers={"Accept-Language": "en"}).text
    assert sign_in(browser_client, *YITIAO).status_code == 303
    assert browser_client.get(started.headers["location"]).status_code == 404
    tokenless = browser_client.post("/owner/import/file", files={"file": ("c.csv", CATALOGUE.encode(), "text/csv")})
    assert tokenless.status_code == 403
    other = second_client.__class__(browser_client.app, raise_server_exceptions=False)
    sign_up(other, "licensee-no-import@example.com")
    assert other.get("/owner/import").status_code == 403
    refused = other.post("/owner/import/file", data={"csrf_token": form_token(other.get("/account"))},
                         files={"file": ("c.csv", CATALOGUE.encode(), "text/csv")})
    assert refused.status_code == 403
