"""DSR flat files written for the tests from DSR Part 8's record layouts (no real report copied).

`basic_audio()` and `ugc()` give the records of a small, valid file; `dsr_bytes` writes records
as a file with a FOOT whose counts are right unless a test says otherwise.
"""

from __future__ import annotations

Record = list[str]


def head(profile: str = "BasicAudioProfile", start: str = "2026-10-01", end: str = "2026-10-31",
         sender: str = "抖音", files: str = "1", version: str = "dsrf/1.1.2/6/1.5") -> Record:
    return ["HEAD", version, profile, "1.3", "MSG-2026-10-001", "2026-11-05T10:00:00Z", "1", files,
            start, end, "PADPIDA0000000001X", sender, "PremiumService", "PADPIDA0000000002Y", "Label"]


def summary(record_id: str = "1", territory: str = "CN", currency: str = "CNY", record_type: str = "SY02.04",
            channel: str = "") -> Record:
    # SY cells: 1 type, 2 id, 3 DistributionChannel, 4 its DPID, 5 CommercialModel, 6 UseType,
    # 7 Territory, 8 ServiceDescription, 9 TotalUsages, 10 users, 11 Currency, 12 NetRevenue.
    return [record_type, record_id, channel, "", "AdvertisementSupportedModel", "Stream", territory,
            "FreeService", "1000", "200", currency, "100.00"]


def release(block: str, reference: str = "R1", dsp_id: str = "REL-1") -> Record:
    # RE01 cells: 3 ReleaseReference, 4 DspReleaseId, 5-9 ids and artist, 10 Title.
    return ["RE01.03", block, reference, dsp_id, "", "", "", "歌手", "", "An Album"]


def resource(block: str, reference: str = "1", dsp_id: str = "RES-1", isrc: str = "CNA011700001",
             title: str = "月光", record_type: str = "AS01.03", iswc: str = "") -> Record:
    cells = [record_type, block, reference, dsp_id, isrc, title, "", "歌手", "", "PT3M30S"]
    if record_type.startswith("AS02"):
        cells += ["SoundRecording", iswc, title, "作曲者"]
    return cells


def work(block: str, iswc: str = "T0345246801", title: str = "月光") -> Record:
    return ["MW01.03", block, "W-1", iswc, title, "", "作曲者"]


def streams(block: str, summary_id: str = "1", resource_ref: str = "1", usages: str = "1500",
            price: str = "0.01", release_ref: str = "", royalty: str = "true",
            transaction: str = "T-1") -> Record:
    # SU02 cells: 1 type, 2 BlockId, 3 SummaryRecordId, 4 SalesTransactionId, 5 release ref,
    # 6 resource ref, 7 IsRoyaltyBearing, 8 NumberOfStreams, 9 PriceConsumerPaidExcSalesTax.
    return ["SU02.03", block, summary_id, transaction, release_ref, resource_ref, royalty, usages, price]


def downloads(block: str, summary_id: str = "1", resource_ref: str = "1", sales: str = "3") -> Record:
    # SU01 cells: as SU02 to 7, 8 SalesUpgrade, 9 Usages, 10 Returns, 11 PriceConsumerPaidExcSalesTax.
    return ["SU01.03", block, summary_id, "T-D", "", resource_ref, "true", "false", sales, "0", "0.99"]


def ugc_usage(block: str, summary_id: str = "1", dsp_id: str = "UGC-VIDEO-9", usages: str = "400",
              revenue: str = "0.50", record_type: str = "SU03.03", royalty: str = "true",
              transaction: str = "T-U") -> Record:
    # SU03 cells: 3 SummaryRecordId, 4 SalesTransactionId (swapped before SU03.03), 5 DspResourceId,
    # 6 Usages, 7 NetRevenue, 8-9 validity period, 10 ContentCategory, 11 IsRoyaltyBearing.
    ids = [transaction, summary_id] if record_type in ("SU03.01", "SU03.02") else [summary_id, transaction]
    return [record_type, block, *ids, dsp_id, usages, revenue, "", "", "", royalty]


def basic_audio() -> list[Record]:
    return [head(), summary(), resource("1"), work("1"), streams("1"),
            release("2"), resource("2", dsp_id="RES-2", isrc="CNA011700002", title="Sun"),
            streams("2", resource_ref="", release_ref="R1", usages="10")]


def ugc() -> list[Record]:
    return [head(profile="UgcProfile"), summary(),
            resource("1", record_type="AS02.04", iswc="T0345246801"), ugc_usage("1")]


def foot(records: list[Record], lines: int | None = None, summaries: int | None = None,
         blocks: int | None = None) -> Record:
    counted_summaries = sum(1 for r in records if r[0].startswith("SY"))
    block_ids: list[str] = []
    for r in records:
        if r[0][:2] not in ("HE", "SY", "FO") and (not block_ids or block_ids[-1] != r[1]):
            block_ids.append(r[1])
    return ["FOOT", str(lines if lines is not None else len(records) + 1), "",
            str(summaries if summaries is not None else counted_summaries), str(blocks if blocks is not None
                                                                                else len(block_ids)), ""]


def dsr_bytes(records: list[Record], with_foot: bool = True, encoding: str = "utf-8", **counts: int) -> bytes:
    lines = [*records, foot(records, **counts)] if with_foot else records
    return "".join("\t".join(r) + "\n" for r in lines).encode(encoding)
