"""Where a territory (and a Chinese province) lies, roughly: the centroid each implausible-place
check measures from. Rough is enough: `CleaningRules.place_tolerance_km` ignores any move shorter
than the error, and a place not listed here is never judged (a missing row removes nothing).

Coordinates are (latitude, longitude) in degrees, to about a degree.
"""

from __future__ import annotations

import pyarrow as pa

COUNTRIES: dict[str, tuple[float, float]] = {
    "CN": (35.0, 103.0), "HK": (22.3, 114.2), "MO": (22.2, 113.5), "TW": (23.7, 121.0),
    "JP": (36.2, 138.3), "KR": (36.5, 127.9), "KP": (40.3, 127.5), "MN": (46.9, 103.8),
    "VN": (16.2, 107.8), "TH": (15.9, 100.9), "MY": (4.2, 102.0), "SG": (1.35, 103.8),
    "ID": (-2.5, 118.0), "PH": (12.9, 121.8), "KH": (12.6, 104.9), "LA": (19.9, 102.5),
    "MM": (21.9, 96.0), "IN": (22.0, 79.0), "PK": (30.4, 69.3), "BD": (23.7, 90.4),
    "NP": (28.4, 84.1), "LK": (7.9, 80.8), "KZ": (48.0, 67.0), "UZ": (41.4, 64.6),
    "KG": (41.2, 74.8), "TJ": (38.9, 71.3), "AF": (33.9, 67.7), "IR": (32.4, 53.7),
    "IQ": (33.2, 43.7), "SA": (23.9, 45.1), "AE": (23.4, 53.8), "QA": (25.4, 51.2),
    "KW": (29.3, 47.5), "OM": (21.5, 55.9), "IL": (31.0, 34.9), "JO": (30.6, 36.2),
    "LB": (33.9, 35.9), "SY": (34.8, 39.0), "TR": (39.0, 35.2), "EG": (26.8, 30.8),
    "RU": (61.5, 105.3), "UA": (48.4, 31.2), "BY": (53.7, 28.0), "PL": (51.9, 19.1),
    "DE": (51.2, 10.5), "FR": (46.2, 2.2), "GB": (55.4, -3.4), "IE": (53.4, -8.2),
    "ES": (40.5, -3.7), "PT": (39.4, -8.2), "IT": (41.9, 12.6), "NL": (52.1, 5.3),
    "BE": (50.5, 4.5), "LU": (49.8, 6.1), "CH": (46.8, 8.2), "AT": (47.5, 14.6),
    "CZ": (49.8, 15.5), "SK": (48.7, 19.7), "HU": (47.2, 19.5), "RO": (45.9, 25.0),
    "BG": (42.7, 25.5), "GR": (39.1, 21.8), "RS": (44.0, 21.0), "HR": (45.1, 15.2),
    "SI": (46.2, 15.0), "DK": (56.3, 9.5), "SE": (60.1, 18.6), "NO": (60.5, 8.5),
    "FI": (61.9, 25.7), "EE": (58.6, 25.0), "LV": (56.9, 24.6), "LT": (55.2, 23.9),
    "IS": (65.0, -19.0), "US": (37.1, -95.7), "CA": (56.1, -106.3), "MX": (23.6, -102.6),
    "BR": (-14.2, -51.9), "AR": (-38.4, -63.6), "CL": (-35.7, -71.5), "CO": (4.6, -74.3),
    "PE": (-9.2, -75.0), "VE": (6.4, -66.6), "AU": (-25.3, 133.8), "NZ": (-40.9, 174.9),
    "ZA": (-30.6, 22.9), "NG": (9.1, 8.7), "KE": (-0.0, 37.9), "ET": (9.1, 40.5),
    "MA": (31.8, -7.1), "DZ": (28.0, 1.7), "TN": (33.9, 9.5), "GH": (7.9, -1.0),
}

# ISO 3166-2:CN subdivisions: most traffic of Chinese platforms is in CN, so a device in Beijing
# then in Urumqi minutes later is the teleport worth seeing.
CN_PROVINCES: dict[str, tuple[float, float]] = {
    "CN-BJ": (39.9, 116.4), "CN-TJ": (39.1, 117.2), "CN-HE": (38.0, 114.5), "CN-SX": (37.9, 112.6),
    "CN-NM": (44.1, 113.9), "CN-LN": (41.3, 122.6), "CN-JL": (43.7, 126.2), "CN-HL": (47.9, 128.0),
    "CN-SH": (31.2, 121.5), "CN-JS": (32.9, 119.8), "CN-ZJ": (29.1, 120.1), "CN-AH": (31.8, 117.2),
    "CN-FJ": (26.1, 118.0), "CN-JX": (27.6, 115.7), "CN-SD": (36.3, 118.0), "CN-HA": (33.9, 113.6),
    "CN-HB": (30.9, 112.2), "CN-HN": (27.6, 111.7), "CN-GD": (23.4, 113.4), "CN-GX": (23.8, 108.8),
    "CN-HI": (19.2, 109.7), "CN-CQ": (29.6, 106.5), "CN-SC": (30.6, 102.7), "CN-GZ": (26.8, 106.9),
    "CN-YN": (24.9, 101.5), "CN-XZ": (31.7, 88.1), "CN-SN": (35.2, 108.9), "CN-GS": (38.0, 100.5),
    "CN-QH": (35.7, 96.0), "CN-NX": (37.3, 106.2), "CN-XJ": (41.1, 85.2),
}


def centroid_table() -> pa.Table:
    """Places and their centroids, keyed as `place` = province when listed, else territory."""
    places = {**COUNTRIES, **CN_PROVINCES}
    return pa.table({
        "place": list(places),
        "lat": [lat for lat, _ in places.values()],
        "lon": [lon for _, lon in places.values()],
    })
