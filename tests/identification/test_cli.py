"""The command line: `references add|list|extract` and `identify FILE|DIR` (JSON Lines, one line
per file; a bad file is reported on its line and does not stop the folder)."""

from __future__ import annotations

import json
from pathlib import Path

from clearinghouse.identification.references import batch
from tests.identification.media_files import music_excerpt, photo, png_header_on_random_bytes


def test_an_owner_adds_and_lists_references_and_a_folder_is_identified(cli, world,  # noqa: ANN001
                                                                       tmp_path: Path) -> None:
    cli.json("init")
    song, picture = tmp_path / "song.mp3", tmp_path / "cover.png"
    song.write_bytes(music_excerpt(0, 20))
    picture.write_bytes(photo("coffee.png"))
    added = cli.json("references", "add", world.work_id, str(song), str(picture),
                     "--as", world.owner.party_id)
    assert [a["kind"] for a in added] == ["audio", "image"]
    listed = cli.json("references", "list", world.work_id, "--as", world.owner.party_id)
    assert [r["id"] for r in listed] == [a["id"] for a in added]
    refused = cli("references", "list", world.work_id, "--as", world.other_owner.party_id)
    assert refused.exit_code == 6  # forbidden

    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "a-excerpt.wav").write_bytes(music_excerpt(5, 5, fmt="wav"))
    (uploads / "b-broken.png").write_bytes(png_header_on_random_bytes())
    result = cli("identify", str(uploads), "--as", world.licensee.party_id, "--territory", "CN",
                 "--channel", "douyin", "--quiet")
    assert result.exit_code == 1  # one file could not be read
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(line["file"]).name for line in lines] == ["a-excerpt.wav", "b-broken.png"]
    [found] = lines[0]["identification"]["works"]
    assert found["work_id"] == world.work_id and found["match"]["kind"] == "audio"
    assert lines[1]["error"]["code"] == "unreadable_media"


def test_batch_extraction_on_spark_and_locally_loads_the_catalogue(cli, world, spark,  # noqa: ANN001
                                                                   tmp_path: Path) -> None:
    cli.json("init")
    catalogue = tmp_path / "catalogue"
    (catalogue / world.work_id).mkdir(parents=True)
    (catalogue / world.other_work_id).mkdir()
    (catalogue / world.work_id / "one.mp3").write_bytes(music_excerpt(0, 10))
    (catalogue / world.work_id / "two.mp3").write_bytes(music_excerpt(60, 10))
    (catalogue / world.other_work_id / "photo.png").write_bytes(photo("astronaut.png"))
    (catalogue / world.other_work_id / "junk.png").write_bytes(png_header_on_random_bytes())

    files = batch.catalogue_files(catalogue)
    on_spark = batch.extract_spark(spark, files, 600)
    assert [(e.work_id, Path(e.path).name) for e in on_spark] == [
        (w, p.name) for w, p in files]
    by_name = {Path(e.path).name: e for e in on_spark}
    assert by_name["one.mp3"].prints.kind == "audio" and by_name["one.mp3"].prints.audio
    assert by_name["photo.png"].prints.kind == "image"
    assert by_name["junk.png"].prints is None and "unreadable_media" in by_name["junk.png"].error
    local = {Path(e.path).name: e for e in batch.extract_local(files, 600, workers=1)}
    assert local["one.mp3"].prints == by_name["one.mp3"].prints  # the same prints either way

    result = cli("references", "extract", str(catalogue), "--engine", "local", "--json")
    assert result.exit_code == 1  # the junk file is reported
    report = {Path(r["file"]).name: r for r in json.loads(result.stdout)}
    assert report["one.mp3"]["added"] and report["photo.png"]["kind"] == "image"
    assert "unreadable_media" in report["junk.png"]["error"]
    assert len(cli.json("references", "list")) == 3
