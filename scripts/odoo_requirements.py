"""Odoo's requirements.txt with the departures of scripts/odoo-pins.txt.

    python odoo_requirements.py ODOO_REQUIREMENTS PINS OUT

writes OUT (a pip requirements file) and prints, on stderr, one line per
requirement it replaced or left out, with the reason from PINS. Standard
library only: it runs before anything is installed (scripts/bootstrap.sh).
"""

import re
import sys


def read_rules(lines):
    """``{key: (replacement, reason)}`` from the lines of odoo-pins.txt; key is
    a lower-case package name or ``name==version``."""
    rules = {}
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            key, replacement, reason = line.split(None, 2)
            rules[key.lower()] = (replacement, reason)
    return rules


def rewrite(lines, rules):
    """Return ``(requirements, notes, unused_rule_keys)``."""
    out, notes, used = [], [], set()
    for line in lines:
        req = line.split("#", 1)[0].strip()
        if not req:
            continue
        name = re.split(r"[\s=<>!~;\[]", req, maxsplit=1)[0].lower()
        pin = req.split(";", 1)[0].replace(" ", "").lower()
        key = pin if pin in rules else name if name in rules else None
        if key is None:
            out.append(req)
            continue
        replacement, reason = rules[key]
        used.add(key)
        marker = req.split(";", 1)[1].strip() if ";" in req else ""
        if replacement != "-":
            out.append(replacement + (f" ; {marker}" if marker else ""))
        notes.append(
            f"{req}  ->  {'left out' if replacement == '-' else replacement}"
            f"  ({reason})"
        )
    return out, notes, sorted(set(rules) - used)


def main(argv):
    src, pins, target = argv[1:4]
    with open(pins) as fh:
        rules = read_rules(fh)
    with open(src) as fh:
        requirements, notes, unused = rewrite(fh, rules)
    with open(target, "w") as fh:
        fh.write("\n".join(requirements) + "\n")
    for note in notes:
        print(f"[bootstrap.sh]   {note}", file=sys.stderr)
    for key in unused:
        print(f"[bootstrap.sh]   note: no requirement matches {key}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
