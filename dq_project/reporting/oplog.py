"""The operation log as a reader meets it: actions and detail names in the report's language, the
details as label/value pairs instead of the JSON the log stores (audit.log.details)."""

from __future__ import annotations

import json
from typing import Any


def readable_details(details: str | None, labels: dict[str, str]) -> list[tuple[str, str]]:
    """'{"rows_loaded": 182, "tags": {"dq/trigger": "cli"}}' -> [("rows loaded", "182"),
    ("started by", "cli")]: nested objects flattened (a key's last '/' part names it), empty lists
    and nulls left out, lists joined."""
    if not details:
        return []
    try:
        parsed = json.loads(details)
    except ValueError:
        return [(labels.get("details", "details"), details)]
    if not isinstance(parsed, dict):
        return [(labels.get("details", "details"), str(parsed))]
    return [(labels.get(f"detail_{k}", k.replace("_", " ")), v) for k, v in _flatten(parsed)]


def _flatten(value: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for key, item in value.items():
        name = key.rsplit("/", 1)[-1]
        if isinstance(item, dict):
            pairs += _flatten(item)
        elif item is None or item == [] or item == "":
            continue
        elif isinstance(item, list):
            pairs.append((name, ", ".join(map(str, item))))
        else:
            pairs.append((name, str(item)))
    return pairs


def readable_log(rows: list[dict], labels: dict[str, str]) -> list[dict]:
    """audit/select_log rows with the action translated and the details as label/value pairs."""
    return [
        {
            "logged_at": row["logged_at"],
            "actor": row["actor"],
            "action": labels.get(f"action_{row['action']}", row["action"]),
            "target": row["target"] or "",
            "details": readable_details(row["details"], labels),
        }
        for row in rows
    ]
