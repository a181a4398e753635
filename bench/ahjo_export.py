"""Export Helsinki's Ahjo decisions as HTML pages, one a decision, that Sotehaku indexes.

    python -m bench.ahjo_export DECISIONS.json OUT_DIR [--meetings MEETINGS.json]

DECISIONS.json is the Ahjo API's answer to /decisions ({"decisions": [record, ...]}); each
record's `Content` is the decision as HTML, which prints its section ("§ 110") and case number
but not who decided or when. Each page written is that HTML with the record's fields added to
its head as <meta> tags (indexer/documents/decision_meta.py, docs/formats.md):

- kind: "pöytäkirja" for a body's decision (a section of its minutes), "viranhaltijapäätös" for
  an official's or an elected person's ("protokoll", "tjänstemannabeslut" in Swedish);
- organisation: --organisation ("Helsingin kaupunki" / "Helsingfors stad");
- decision-maker: the meeting's `DecisionMaker`, else the `Organization`'s `Name`;
- meeting: the meeting's sequence number and year ("43/2021"), when --meetings has it;
- meeting-date: the meeting's `DateMeeting`, else the record's `DateDecision`, else the day
  the HTML was generated (its ThisHTMLGenerated meta): the API's records of officials'
  decisions in this dump have no date of their own;
- section, section-title, case: `Section`, `Title`, `CaseIDLabel`.

Prints how many pages it wrote.
"""

import argparse
import html
import json
import re
from pathlib import Path
from typing import Any

_BODY_TYPES = frozenset({"Lautakunta", "Hallitus", "Jaosto", "Valtuusto", "Toimikunta"})
_GENERATED = re.compile(r'name="ThisHTMLGenerated"\s+content="(\d{4}-\d{2}-\d{2})', re.I)
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)
_UNSAFE = re.compile(r"[^\w.-]+")


def export(
    records: list[dict[str, Any]],
    out_dir: Path,
    meetings: dict[str, dict[str, Any]] | None = None,
    organisation: str = "Helsingin kaupunki",
) -> list[Path]:
    """Write one HTML page a record with a Content and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for record in records:
        content = record.get("Content") or ""
        if not content.strip():
            continue
        meta = record_meta(record, meetings or {}, organisation)
        tags = "".join(
            f'<meta name="{name}" content="{html.escape(value)}">'
            for name, value in meta.items()
            if value
        )
        head = _HEAD.search(content)
        page = (
            f"{content[: head.end()]}{tags}{content[head.end() :]}"
            if head
            else f"<html><head>{tags}</head><body>{content}</body></html>"
        )
        native = _UNSAFE.sub("-", record["NativeId"]).strip("-")
        name = f"{_UNSAFE.sub('-', str(record.get('Section') or 'x'))}-{native}"
        path = out_dir / f"{name}.html"
        path.write_text(page, encoding="utf-8")
        written.append(path)
    return written


def record_meta(
    record: dict[str, Any], meetings: dict[str, dict[str, Any]], organisation: str
) -> dict[str, str]:
    """Return the <meta> tags' names and values for one Ahjo decision record."""
    content = record.get("Content") or ""
    swedish = 'lang="sv"' in content[:200]
    org = record.get("Organization") or {}
    meeting = record.get("Meeting") or {}
    by_body = org.get("Type") in _BODY_TYPES or bool(meeting)
    kind = {
        (False, False): "viranhaltijapäätös",
        (True, False): "pöytäkirja",
        (False, True): "tjänstemannabeslut",
        (True, True): "protokoll",
    }[by_body, swedish]
    date = (meeting.get("DateMeeting") or record.get("DateDecision") or "")[:10]
    if not date:
        generated = _GENERATED.search(content)
        date = generated[1] if generated else ""
    number = ""
    listed = meetings.get(meeting.get("MeetingID", ""))
    if listed and listed.get("MeetingSequenceNumber") and date:
        number = f"{listed['MeetingSequenceNumber']}/{date[:4]}"
    return {
        "kind": kind,
        "organisation": organisation,
        "decision-maker": meeting.get("DecisionMaker") or org.get("Name") or "",
        "meeting": number,
        "meeting-date": date,
        "place": meeting.get("Location") or "",
        "section": str(record.get("Section") or ""),
        "section-title": record.get("Title") or "",
        "case": record.get("CaseIDLabel") or "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("decisions", type=Path, help="the Ahjo API's /decisions answer (JSON)")
    parser.add_argument("out", type=Path, help="the folder to write the pages to")
    parser.add_argument("--meetings", type=Path, help="the API's /meetings answer (JSON)")
    parser.add_argument("--organisation", default="Helsingin kaupunki")
    args = parser.parse_args()
    records = json.loads(args.decisions.read_text(encoding="utf-8"))["decisions"]
    meetings = {}
    if args.meetings:
        listed = json.loads(args.meetings.read_text(encoding="utf-8"))["meetings"]
        meetings = {m["MeetingID"]: m for m in listed}
    written = export(records, args.out, meetings, args.organisation)
    print(f"{len(written)} pages written to {args.out}")


if __name__ == "__main__":
    main()
