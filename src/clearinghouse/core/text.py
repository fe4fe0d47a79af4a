"""Text hygiene: what every user-supplied string must be before it is stored or compared.

The rule is to refuse, never to strip silently: a title with a hidden right-to-left override is
shown differently from how it reads, and quietly dropping characters would store something the
caller did not send. Refused everywhere (single- and multi-line fields alike):

- NUL and the other C0 controls (U+0000–U+001F), DEL (U+007F) and the C1 controls
  (U+0080–U+009F); only multi-line fields (descriptions, notes, messages) keep TAB, LF and CR;
- the bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069), which can
  make a stored text display as something else (the "Trojan Source" trick);
- lone surrogates (U+D800–U+DFFF), which are not text and no database can store.

Surrounding whitespace of a single-line field is dropped (as before). What is accepted is stored
in Unicode NFC, so the same title typed on two systems is one title.
Bidi *marks* (U+200E, U+200F, U+061C) stay allowed: mixed Arabic or Hebrew text needs them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_ALWAYS_REFUSED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _BIDI_CONTROLS + "\ud800-\udfff"
_LINE_BREAKS_AND_TAB = "\t\n\r"

_REFUSED_IN_LINE = re.compile(f"[{_ALWAYS_REFUSED}{_LINE_BREAKS_AND_TAB}]")
_REFUSED_IN_TEXT = re.compile(f"[{_ALWAYS_REFUSED}]")

# The same rule as a JSON Schema pattern (ECMA-262), so clients see it in the OpenAPI document.
LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*$"
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*$"


class TextRefused(ValueError):
    """The text holds a character this service does not store."""


def _describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"{code} (a lone surrogate, not a character)"
    if char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        return f"{code} ({unicodedata.name(char)}, a bidi control that can disguise text)"
    if char in _LINE_BREAKS_AND_TAB:
        return f"{code} (a tab or line break; this field is a single line)"
    return f"{code} (NUL)" if char == "\x00" else f"{code} (a control character)"


def clean(value: str, *, multiline: bool = False) -> str:
    """`value` in NFC, or TextRefused naming the first refused character and where it is."""
    found = (_REFUSED_IN_TEXT if multiline else _REFUSED_IN_LINE).search(value)
    if found is not None:
        raise TextRefused(f"contains {_describe(found.group())} at position {found.start() + 1}; "
                          "remove it")
    return unicodedata.normalize("NFC", value)


class _CleanText:
    """Pydantic metadata: run `clean` before the string's own checks (length, strip), so limits
    apply to the NFC text that is stored, and publish the rule as a `pattern`."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def _validate(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value  # the type check after this reports it
        # A single line never keeps surrounding whitespace, so a pasted trailing newline is fine.
        return clean(value if self.multiline else value.strip(), multiline=self.multiline)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self._validate, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler.resolve_ref_schema(handler(schema))
        if json_schema.get("type") == "string" and "pattern" not in json_schema:
            json_schema["pattern"] = TEXT_PATTERN if self.multiline else LINE_PATTERN
        return json_schema

    def __repr__(self) -> str:
        return "MultiLine" if self.multiline else "SingleLine"


# Use as Annotated metadata: Annotated[str, StringConstraints(max_length=300), SingleLine].
SingleLine = _CleanText(multiline=False)
MultiLine = _CleanText(multiline=True)
