"""Tag-reference completion over a GalaxyIndex: object names, then attributes after the dot.

Prefix matches come first (bisect: microseconds at any size); when they leave room,
fuzzy matches follow (the letters in order, anywhere: `tk1lv` finds Tank1.Level). The
fuzzy scan over object names runs one regex per block of lower-case names and stops at a
time budget, so even a busy machine answers within a few milliseconds.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from mxshell.galaxy.index import AttributeInfo, GalaxyIndex, ObjectEntry
from mxshell.galaxy.names import category_name, data_type_name, security_name

DEFAULT_LIMIT = 100
# The fuzzy scan's time budget. A whole scan of a million-attribute Galaxy's names takes
# about 1-3 ms (a miss under 1), so the budget cuts it short only on a busy machine; it
# keeps a completion within the 5 ms the shell aims for even then.
FUZZY_BUDGET_S = 0.004


@dataclass(frozen=True, slots=True)
class TagCandidate:
    """What to insert for the word being completed, and a note to show beside it."""

    text: str
    display: str | None = None
    meta: str = ""


def attribute_meta(attribute: AttributeInfo) -> str:
    return (
        f"{data_type_name(attribute.data_type, attribute.is_array)} · "
        f"{security_name(attribute.security)}"
    )


def object_meta(obj: ObjectEntry) -> str:
    return f"{obj.template} · {category_name(obj.category)}"


def complete_reference(
    index: GalaxyIndex,
    text: str,
    *,
    limit: int = DEFAULT_LIMIT,
    fuzzy_budget_s: float = FUZZY_BUDGET_S,
) -> list[TagCandidate]:
    """Candidates for `text`: objects (`Tan` -> Tank1, Tank2), attributes (`Tank1.Le`)."""
    found: list[TagCandidate] = []
    seen: set[str] = set()

    def offer(candidate: TagCandidate) -> bool:
        if candidate.text not in seen:
            seen.add(candidate.text)
            found.append(candidate)
        return len(found) < limit

    for obj, head, rest in _heads(index, text):
        rest = rest.partition("[")[0]  # `Tank1.LevelTrend[` still names LevelTrend
        for attribute in obj.attributes.with_prefix(rest):
            if not offer(_attribute_candidate(head, attribute)):
                return found
    for obj in index.objects_with_prefix(text, limit):
        if not offer(TagCandidate(obj.tag_name, meta=object_meta(obj))):
            return found
    for obj in index.aliases_with_prefix(text, limit):
        if not offer(TagCandidate(obj.hierarchical_name, meta=object_meta(obj))):
            return found
    # Fuzzy: within the attributes of a known object, else over object names.
    heads = _heads(index, text)
    if heads:
        for obj, head, rest in heads:
            pattern = _fuzzy_pattern(rest)
            for attribute in obj.attributes.attributes:
                if pattern.match(attribute.name) and not offer(
                    _attribute_candidate(head, attribute)
                ):
                    return found
        return found
    if text:
        for obj in fuzzy_objects(index, text, limit - len(found), fuzzy_budget_s):
            if not offer(TagCandidate(obj.tag_name, meta=object_meta(obj))):
                break
    return found


def fuzzy_objects(
    index: GalaxyIndex, text: str, limit: int, budget_s: float = FUZZY_BUDGET_S
) -> list[ObjectEntry]:
    """Objects whose tag name holds the letters of `text` in order, shortest first;
    the scan stops at `limit` matches or when `budget_s` has passed."""
    if limit <= 0:
        return []
    pattern = _fuzzy_lines(text)
    deadline = time.perf_counter() + budget_s
    matched: list[ObjectEntry] = []
    for block in index.fuzzy_blocks:
        if time.perf_counter() > deadline:
            break
        # A match may start anywhere in a name, and a name may hold more than one.
        matched += dict.fromkeys(block.entry_at(m.start()) for m in pattern.finditer(block.text))
        if len(matched) >= limit:
            break
    matched.sort(key=lambda o: (len(o.tag_name), o.key))
    return matched[:limit]


def _heads(index: GalaxyIndex, text: str) -> list[tuple[ObjectEntry, str, str]]:
    """Each way `text` splits into a known object and an attribute part, at a dot."""
    heads = []
    dot = text.find(".")
    while dot > 0:
        head = text[:dot]
        obj = index.object(head)
        if obj is not None:
            # Offer the object's own spelling, whatever case was typed.
            name = obj.tag_name if obj.key == head.lower() else obj.hierarchical_name
            heads.append((obj, name, text[dot + 1 :]))
        dot = text.find(".", dot + 1)
    return heads


def _attribute_candidate(head: str, attribute: AttributeInfo) -> TagCandidate:
    # An array is named whole (`Attr[]`) or by element (`Attr[1]`, from 1): MXAccess
    # refuses its bare name, so the whole array is what completion offers.
    name = f"{attribute.name}[]" if attribute.is_array else attribute.name
    return TagCandidate(f"{head}.{name}", name, attribute_meta(attribute))


def _fuzzy_pattern(text: str) -> re.Pattern[str]:
    # [^c]*c for each letter: no backtracking, linear in the name's length.
    body = "".join(f"[^{re.escape(c)}]*{re.escape(c)}" for c in text)
    return re.compile(body, re.IGNORECASE)


def _fuzzy_lines(text: str) -> re.Pattern[str]:
    # For the lower-case names of a FuzzyBlock: the first letter, then [^\nc]*c for each
    # next one. Starting with a plain letter (no ^, no IGNORECASE) lets the engine skip to
    # each place that letter occurs: a miss scans a million-attribute Galaxy in about a
    # millisecond, where trying a match at every line took over twenty.
    lower = text.lower()
    if not lower:
        return re.compile("^", re.MULTILINE)  # every name
    body = "".join(f"[^\\n{re.escape(c)}]*{re.escape(c)}" for c in lower[1:])
    return re.compile(re.escape(lower[0]) + body)
