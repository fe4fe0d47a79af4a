"""The search page's filters (kind; what can be licensed for a use, with its from-price) and the
hits' previews: bounded in time, size and quality, never the work's own bytes. Real HTTP through
the app on the demo market, on SQLite and PostgreSQL; media made on the fly."""

from __future__ import annotations

import io
import re
from fractions import Fraction

import av
from PIL import Image

from tests.licensing import media_samples

LABEL_KEY = {"Authorization": "Bearer chk_de0000000008_demo-label"}  # docs/demo.md
YITIAO_KEY = {"Authorization": "Bearer chk_de0000000002_demo-owner-yitiao"}
HIT = re.compile(r'<a href="/works/(wrk_[A-Za-z0-9]+)">')
ORIGINAL_SECONDS = 40


def long_video(seconds: int = ORIGINAL_SECONDS, fps: int = 5, size: tuple[int, int] = (480, 360)) -> bytes:
    """H.264 + AAC in MP4, longer and larger than any preview."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = *size, "yuv420p"
        sound = container.add_stream("aac", rate=22050)
        sound.layout = "mono"
        for i in range(seconds * fps):
            frame = av.VideoFrame.from_image(Image.new("RGB", size, (i * 7 % 256, 80, 160)))
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        samples = sound.codec_context.frame_size or 1024
        for start in range(0, seconds * 22050, samples):
            chunk = av.AudioFrame(format="fltp", layout="mono", samples=samples)
            chunk.planes[0].update(bytes(4 * samples))
            chunk.sample_rate, chunk.pts = 22050, start
            container.mux(sound.encode(chunk))
        container.mux(sound.encode(None))
    return out.getvalue()


def _duration(data: bytes) -> float:
    with av.open(io.BytesIO(data)) as container:
        return float(Fraction(container.duration or 0, av.time_base))


def _work(client, key: dict[str, str], work_type: str, owner: str) -> str:  # noqa: ANN001
    found = client.get("/api/v1/works", params={"owner": owner, "type": work_type, "limit": 1})
    return str(found.json()["items"][0]["id"])


def _upload(client, key: dict[str, str], work_id: str, data: bytes) -> None:  # noqa: ANN001
    put = client.put(f"/api/v1/works/{work_id}/file", content=data,
                     headers=key | {"Content-Type": "application/octet-stream"})
    assert put.status_code == 200, put.text


def test_the_kind_filter_lists_only_that_kind(browser_client):
    page = browser_client.get("/search", params={"q": "夏日", "kind": "sound_recording"})
    assert page.status_code == 200
    listed = HIT.findall(page.text)
    api = browser_client.get("/api/v1/works", params={"q": "夏日", "type": "sound_recording"}).json()
    assert listed == [item["id"] for item in api["items"]] and listed
    assert all(item["type"] == "sound_recording" for item in api["items"])
    everything = HIT.findall(browser_client.get("/search", params={"q": "夏日"}).text)
    assert set(listed) < set(everything)  # songs too without the filter


def test_the_use_filter_lists_what_can_be_licensed_with_its_price(browser_client):
    use = {"channel": "douyin", "seconds": "15", "territory": "CN", "purpose": "commercial"}
    page = browser_client.get("/search", params={"q": "夏日"} | use)
    assert page.status_code == 200
    api = browser_client.get("/api/v1/works", params={
        "q": "夏日", "purpose": "commercial", "channels": "douyin", "portion_unit": "seconds",
        "portion_value": 15, "territories": "CN", "modified": "false"}).json()
    assert HIT.findall(page.text) == [item["id"] for item in api["items"]] and api["items"]
    # the price a quote for that use would say, shown per hit
    assert page.text.count('class="from-price"') == sum(1 for i in api["items"] if i["from_price"])
    assert api["items"][0]["from_price"]["amount"].split(".")[0][-3:] in page.text


def test_a_filter_the_search_refuses_says_why_with_422(browser_client):
    bad_seconds = browser_client.get("/search", params={"q": "夏日", "channel": "douyin", "seconds": "abc"})
    assert bad_seconds.status_code == 422 and 'role="alert"' in bad_seconds.text
    bad_kind = browser_client.get("/search", params={"q": "夏日", "kind": "spaceship"})
    assert bad_kind.status_code == 422 and "unknown work type" in bad_kind.text


def test_previews_are_short_small_and_never_the_file(browser_client):
    video_id = _work(browser_client, YITIAO_KEY, "short_video", "一条视频")
    recording_id = _work(browser_client, LABEL_KEY, "sound_recording", "回声唱片")
    original_video = long_video()
    original_song = media_samples.mp3(seconds=45, rate=8000)
    _upload(browser_client, YITIAO_KEY, video_id, original_video)
    _upload(browser_client, LABEL_KEY, recording_id, original_song)

    video = browser_client.get(f"/works/{video_id}/preview")
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    assert video.content != original_video and original_video[-2000:] not in video.content
    assert _duration(original_video) >= ORIGINAL_SECONDS - 1
    assert 0 < _duration(video.content) <= 30
    with av.open(io.BytesIO(video.content)) as container:
        assert container.streams.video[0].codec_context.height <= 240
    song = browser_client.get(f"/works/{recording_id}/preview")
    assert song.status_code == 200 and song.headers["content-type"] == "audio/mpeg"
    assert song.content != original_song and 0 < _duration(song.content) <= 30 < _duration(original_song)
    # made once, then served from the data dir
    assert browser_client.get(f"/works/{video_id}/preview").content == video.content

    title = browser_client.get(f"/api/v1/works/{video_id}").json()["title"]
    hits = browser_client.get("/search", params={"q": title})
    assert f'<video class="preview" controls preload="none" src="/works/{video_id}/preview"' in hits.text
    assert f'<video class="preview" controls preload="none" src="/works/{video_id}/preview"' in \
        browser_client.get(f"/works/{video_id}").text  # and on the work's own page
    # the full file is still delivered only through a paid licence
    assert original_video not in browser_client.get(f"/api/v1/works/{video_id}/file").content


def test_an_image_preview_is_a_small_thumbnail(browser_client):
    work_id = _work(browser_client, YITIAO_KEY, "short_video", "一条视频")
    original = media_samples.jpeg(size=1200)
    _upload(browser_client, YITIAO_KEY, work_id, original)
    thumb = browser_client.get(f"/works/{work_id}/preview")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert max(image.size) <= 320
    assert len(thumb.content) < len(original)


def test_a_work_without_a_file_has_no_preview(browser_client):
    work_id = _work(browser_client, YITIAO_KEY, "short_video", "一条视频")
    assert browser_client.get(f"/works/{work_id}/preview").status_code == 404
    assert browser_client.get("/works/wrk_doesnotexist/preview").status_code == 404
