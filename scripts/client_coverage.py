"""Write the client tables of docs/client-coverage.md from a coverage run's rows.

    PLEROMA_COVERAGE_OUT=/tmp/coverage scripts/test.sh tests/e2e/test_client_coverage.py
    .venv/bin/python scripts/client_coverage.py /tmp/coverage docs/client-coverage.md

Everything between the `<!-- coverage:begin -->` and `<!-- coverage:end -->` markers of the
document is replaced; the rest of it is kept as written.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

BEGIN, END = "<!-- coverage:begin -->", "<!-- coverage:end -->"
CLIENTS = {
    "mastodon_py": ("Mastodon.py 2.3.3", None),
    "megalodon": ("megalodon 10.0.0 (Pleroma mode)", "96 of 117 calls worked"),
    "masto": ("masto.js 7.12.0", "45 of 62 calls worked"),
}
MODES = {"embedded": "make run (SQLite)", "postgresql": "PostgreSQL + Redis"}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _result(rows_by_mode: dict, method: str, route: str) -> str:
    results = []
    for mode, label in MODES.items():
        row = next((r for r in rows_by_mode.get(mode, []) if (r["method"], r["route"]) == (method, route)), None)
        if row is None:
            continue
        results.append(label + ": " + ("pass" if row["result"] == "pass" else f"**fail** ({_cell(row.get('error', ''))[:160]})"))
    return "; ".join(results) if len({r.split(": ", 1)[1] for r in results}) > 1 else (
        results[0].split(": ", 1)[1] if results else "not run")


def section(out_dir: Path, client: str) -> list[str]:
    title, before = CLIENTS[client]
    reports = {mode: json.loads((out_dir / f"{client}-{mode}.json").read_text())
               for mode in MODES if (out_dir / f"{client}-{mode}.json").exists()}
    if not reports:
        return [f"### {title}", "", "(no run found)", ""]
    first = next(iter(reports.values()))
    calls = first["calls"]
    passing = {mode: sum(r["result"] == "pass" for r in report["calls"]) for mode, report in reports.items()}
    lines = [f"### {title}", ""]
    figures = ", ".join(f"{MODES[mode]}: {count} of {len(reports[mode]['calls'])} pass" for mode, count in passing.items())
    lines.append(f"- calls made: {len(calls)} ({figures})")
    lines.append(f"- methods knowingly not called: {len(first['not_covered'])} (listed below with the reason)")
    if before:
        lines.append(f"- before (issue #14): {before}")
    lines += ["", "| method | route | result |", "| --- | --- | --- |"]
    for row in calls:
        lines.append(f"| `{_cell(row['method'])}` | `{_cell(row['route'])}` | "
                     f"{_result({m: r['calls'] for m, r in reports.items()}, row['method'], row['route'])} |")
    lines += ["", "Not called:", "", "| method | route | why |", "| --- | --- | --- |"]
    for row in first["not_covered"]:
        lines.append(f"| `{_cell(row['method'])}` | `{_cell(row['route'])}` | {_cell(row['reason'])} |")
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=Path, help="the PLEROMA_COVERAGE_OUT directory of a run")
    parser.add_argument("document", type=Path)
    args = parser.parse_args()
    body = [BEGIN, ""]
    for client in CLIENTS:
        body += section(args.rows, client)
    body.append(END)
    text = args.document.read_text(encoding="utf-8") if args.document.exists() else f"{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    args.document.write_text(head + "\n".join(body) + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
