"""Count rows as a table, JSON or CSV, for `textline stats` and the staff CSV."""

import csv
import io
import json

COLUMNS = ("day", "topic", "locale", "channel", "count")


def format_rows(rows: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    lines = [f"{'day':<10}  {'topic':<10}  {'locale':<6}  {'channel':<8}  {'count':>7}"]
    lines += [f"{r['day']:<10}  {r['topic']:<10}  {r['locale']:<6}  {r['channel']:<8}  {r['count']:>7}" for r in rows]
    lines.append(f"{'total':<40}  {sum(r['count'] for r in rows):>7}")
    return "\n".join(lines)
