"""The test tiers' results for scripts/test.sh (standard library only).

    python logtool.py junit FILE.xml       -> "P F S" (testcases passed/failed/skipped)
    python logtool.py odoo LOG             -> "P F S" from Odoo's own test runner log
    python logtool.py tier NAME P F S SECONDS [NOTE]  -> one tier's line
    python logtool.py summary TIERS        the tier lines, the verdict, the totals;
                                           exit 1 when a tier failed

``tier``: a failed or skipped test, a NOTE starting with FAIL, or a tier that
ran nothing fails the tier: "NAME PASS|FAIL P passed, F failed, S skipped SECONDSs
NOTE". ``summary`` reads such lines (one a line, in the order the tiers ran) and
closes with "tests: N passed, F failed, S skipped" over all of them.

``odoo``: Odoo's runner ends with "N failed, M error(s) of T tests when loading
database" and logs each skipped test as "skipped <test> : <reason>" (INFO). A
log without that line counts as one failure (nothing ran, or the run crashed).
"""

import re
import sys
import xml.etree.ElementTree as ET

SUMMARY = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
SKIPPED = re.compile(r"^\S+ \S+ \d+ INFO \S+ \S+: skipped ")


def junit(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return 0, 1, 0
    # Count <testcase> elements: the suite's "tests" attribute counts subtests.
    passed = failed = skipped = 0
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            failed += 1
        elif "skipped" in tags:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def odoo(path):
    try:
        with open(path, errors="replace") as fh:
            text = fh.read()
    except OSError:
        return 0, 1, 0
    found = SUMMARY.findall(text)
    if not found:
        return 0, 1, 0
    failed, errors, total = (int(x) for x in found[-1])
    skipped = sum(1 for line in text.splitlines() if SKIPPED.match(line))
    return total - failed - errors - skipped, failed + errors, skipped


TIER_LINE = re.compile(r"^(\S+) +(PASS|FAIL) +(\d+) passed, (\d+) failed, (\d+) skip")


def tier(name, passed, failed, skipped, seconds, note=""):
    passed, failed, skipped = int(passed), int(failed), int(skipped)
    ok = not (failed or skipped or note.startswith("FAIL"))
    status = "PASS" if ok and passed else "FAIL"
    return (
        f"{name:<9} {status:<4} {passed:4d} passed, {failed} failed, {skipped} skipped"
        f"  {int(seconds):4d}s  {note}"
    ).rstrip()


def summary(path):
    totals, failed_tiers = [0, 0, 0], []
    with open(path) as fh:
        for line in fh:
            match = TIER_LINE.match(line)
            if not match:
                continue
            print(f"tier {line.rstrip()}")
            for i in range(3):
                totals[i] += int(match.group(3 + i))
            if match.group(2) == "FAIL":
                failed_tiers.append(match.group(1))
    if failed_tiers:
        print(f"test.sh: FAILED ({' '.join(failed_tiers)})")
    else:
        print("test.sh: OK")
    print("tests: {} passed, {} failed, {} skipped".format(*totals))
    return 1 if failed_tiers else 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "tier":
        print(tier(*args))
        return 0
    if cmd == "summary":
        return summary(args[0])
    counts = {"junit": junit, "odoo": odoo}[cmd](args[0])
    print(*counts)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
