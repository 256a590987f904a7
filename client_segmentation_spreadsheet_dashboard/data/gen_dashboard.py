"""Writes files/client_base_dashboard.json (run from anywhere):

python client_segmentation_spreadsheet_dashboard/data/gen_dashboard.py

The dashboard opens on scorecards (clients, revenue, A but sleeping, due to
buy again, moved this month) and two charts (clients per ABC class and
recency; the funnel in the colours of its stages, filled at install by
``spreadsheet.dashboard._client_segmentation_fill_funnel``), the tables
below. Column widths follow the longest text of each column in English and
in the module's translations, so that no title or header is cut.
"""

import json
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
ADDON = HERE.parent
BASE = ADDON.parent / "client_segmentation"
LANGS = ("ru", "uk", "zh_CN")
PARTNER = "res.partner"
CLIENTS = ["&", ["customer_rank", ">", 0], "|", ["is_company", "=", True]]
CLIENTS.append(["parent_id", "=", False])
COMMERCIAL = ["|", ["is_company", "=", True], ["parent_id", "=", False]]
DUE = ["&", ["rhythm_state", "in", ["due_soon", "overdue"]], *COMMERCIAL]
FILTER_ID = "b1736ae7-fe68-440f-bf9c-8d25126ee8f3"
FUNNEL_CHART_ID = "client-base-funnel"
ABC = ("a", "b", "c", "false")
RECENCY = ("hot", "warm", "sleeping", "none")
# Labels the server gives (selection values, field strings): their widths
RECENCY_LABELS = ("Bought Recently", "Cooling Down", "Sleeping Buyer", "Never Bought")
PX_PER_CHAR = 8  # bold 11 px text, a little wide on purpose
STYLES = {
    "1": {"bold": True, "fontSize": 18, "textColor": "#01666b"},
    "2": {"bold": True, "fontSize": 14, "textColor": "#01666b"},
    "3": {"bold": True, "textColor": "#434343"},
}


def po_entries(path):
    """msgid -> msgstr of a .po file (no polib: plain parsing)."""
    entries, msgid, msgstr, key = {}, None, None, None
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            if msgid:
                entries[msgid] = msgstr
            msgid, msgstr, key = json.loads(line[6:]), "", "id"
        elif line.startswith("msgstr "):
            msgstr, key = json.loads(line[7:]), "str"
        elif line.startswith('"') and key:
            if key == "id":
                msgid += json.loads(line)
            else:
                msgstr += json.loads(line)
    if msgid:
        entries[msgid] = msgstr
    return entries


TRANSLATIONS = [
    {
        **po_entries(BASE / "i18n" / f"{lang}.po"),
        **po_entries(ADDON / "i18n" / f"{lang}.po"),
    }
    for lang in LANGS
]


def width_of(text):
    """Pixels the text needs in English and in every translation (CJK
    characters twice as wide)."""
    texts = [text] + [t.get(text) or text for t in TRANSLATIONS]

    def pixels(value):
        wide = sum(1 for char in value if ord(char) > 0x2E80)
        return (len(value) + wide) * PX_PER_CHAR + 16

    return max(pixels(value) for value in texts)


def link(title, view_type, model, domain, context, name=None, xml_id=None):
    action = {"domain": domain, "context": context, "modelName": model}
    if xml_id:
        action = {"xmlId": xml_id, **action}
    views = {"pivot": ["pivot", "list"], "list": ["list", "kanban", "form"]}
    action["views"] = [[False, v] for v in views[view_type]] + [[False, "search"]]
    target = {"viewType": view_type, "action": action, "threshold": 0}
    target["name"] = name or title
    return f"[{title}](odoo://view/{json.dumps(target, separators=(',', ':'))})"


class Sheet:
    def __init__(self):
        self.cells, self.styles, self.widths = {}, {}, {}

    def put(self, col, row, content, style=None, text=None, spill=False):
        """Cell at ``col`` (0-based) and ``row`` (1-based). ``text``: what it
        shows (for the width); a title that may spill over empty
        neighbours does not widen its column (``spill``)."""
        name = f"{chr(65 + col)}{row}"
        self.cells[name] = {"content": content}
        if style:
            self.styles[name] = style
        if text and not spill:
            self.widths[col] = max(self.widths.get(col, 0), width_of(text))
        return name

    def label(self, col, row, text, style=3):
        return self.put(col, row, f'=_t("{text}")', style, text)


def scorecard(x, title, key_value):
    return {
        "id": f"client-base-{title.lower().replace(' ', '-')}",
        "x": x,
        "y": 50,
        "width": 200,
        "height": 100,
        "tag": "chart",
        "data": {
            "type": "scorecard",
            "title": {"text": title, "bold": True, "color": "#434343"},
            "background": "#EFF6FF",
            "keyValue": key_value,
            "baselineMode": "difference",
            "baselineColorUp": "#00A04A",
            "baselineColorDown": "#DC6965",
            "humanize": False,
        },
    }


def charts():
    abc_recency = {
        "id": "client-base-abc-recency",
        "x": 0,
        "y": 170,
        "width": 515,
        "height": 330,
        "tag": "chart",
        "data": {
            "type": "odoo_bar",
            "title": {"text": "Clients per ABC class and recency"},
            "background": "#FFFFFF",
            "legendPosition": "top",
            "metaData": {
                "groupBy": ["abc_class", "recency_segment"],
                "measure": "__count",
                "order": None,
                "resModel": PARTNER,
                "mode": "bar",
            },
            "searchParams": {
                "comparison": None,
                "context": {},
                "domain": CLIENTS,
                "groupBy": ["abc_class", "recency_segment"],
                "orderBy": [],
            },
            "verticalAxisPosition": "left",
            "stacked": True,
            "fieldMatching": {},
        },
    }
    funnel = {
        "id": FUNNEL_CHART_ID,
        "x": 525,
        "y": 170,
        "width": 515,
        "height": 330,
        "tag": "chart",
        "data": {
            "type": "bar",
            "title": {"text": "Clients per funnel stage"},
            "background": "#FFFFFF",
            # one data set per stage, in its colour (filled at install)
            "dataSets": [],
            "dataSetsHaveTitle": True,
            "labelRange": "Data!A9",
            "legendPosition": "top",
            "stacked": False,
            "aggregated": False,
        },
    }
    return [abc_recency, funnel]


def data_sheet():
    """Hidden sheet of the scorecards' values and the funnel chart's."""
    sheet = Sheet()
    rows = [
        ("Clients", '=PIVOT.VALUE(1,"__count")+0'),
        ("Revenue in window", '=PIVOT.VALUE(1,"segment_revenue_window")+0'),
        (
            "A but sleeping",
            '=PIVOT.VALUE(1,"__count","abc_class","a","recency_segment","sleeping")+0',
        ),
        ("Due to buy again", '=PIVOT.VALUE(6,"__count")+0'),
        ("Moved this month", '=PIVOT.VALUE(5,"partner_id:count_distinct")+0'),
    ]
    for row, (title, formula) in enumerate(rows, start=1):
        sheet.label(0, row, title, style=None)
        sheet.put(1, row, formula)
    sheet.put(2, 2, "=FORMAT.LARGE.NUMBER(B2)")
    # the funnel: stage names in row 8, their clients in row 9 (B..)
    sheet.label(0, 9, "Clients", style=None)
    return sheet


def abc_recency_grids(sheet, row):
    """Clients, then revenue, per ABC class (rows) and recency (columns),
    from pivot 1: headers and values, no pivot table (whose top-left cell
    would show the pivot's name). Return the next free row."""
    for measure, title in (
        ("__count", "Clients per ABC class and recency"),
        ("segment_revenue_window", "Revenue in window per ABC class and recency"),
    ):
        sheet.put(
            0,
            row,
            link(
                title,
                "pivot",
                PARTNER,
                CLIENTS,
                {"group_by": ["abc_class", "recency_segment"]},
            ),
            2,
            title,
            spill=True,
        )
        row += 1
        sheet.label(0, row, "ABC class")
        for col, value in enumerate(RECENCY, start=1):
            sheet.put(
                col,
                row,
                f'=PIVOT.HEADER(1,"recency_segment","{value}")',
                3,
                RECENCY_LABELS[col - 1],
            )
        total = len(RECENCY) + 1
        sheet.label(total, row, "Total")
        for abc in (*ABC, None):
            row += 1
            where = f',"abc_class","{abc}"' if abc else ""
            if abc:
                sheet.put(0, row, f'=PIVOT.HEADER(1,"abc_class","{abc}")')
            else:
                sheet.label(0, row, "Total")
            for col, value in enumerate(RECENCY, start=1):
                sheet.put(
                    col,
                    row,
                    f'=PIVOT.VALUE(1,"{measure}"{where},"recency_segment","{value}")',
                )
            sheet.put(total, row, f'=PIVOT.VALUE(1,"{measure}"{where})')
        row += 2
    return row


def dashboard_sheet():
    sheet = Sheet()
    sheet.label(0, 1, "Client base", style=1)
    row = abc_recency_grids(sheet, 24)
    tables = [
        (
            link(
                "Funnel", "pivot", PARTNER, CLIENTS, {"group_by": ["funnel_stage_id"]}
            ),
            "Funnel",
            ["Funnel stage", "Clients", "Revenue in window"],
            "=PIVOT(2,100,TRUE,FALSE)",
            12,
        ),
        (
            link(
                "Top refusal reasons",
                "pivot",
                PARTNER,
                [["refusal_reason_id", "!=", False]],
                {"group_by": ["refusal_reason_id"]},
            ),
            "Top refusal reasons",
            ["Refusal reason", "Clients"],
            "=PIVOT(3,5,TRUE,FALSE)",
            7,
        ),
        (
            link(
                "Work plans running",
                "pivot",
                "client.work.plan.run",
                [["state", "=", "running"]],
                {"group_by": ["trigger_id"]},
            ),
            "Work plans running",
            ["Work plan", "Clients"],
            "=PIVOT(4,5,TRUE,FALSE)",
            7,
        ),
    ]
    for title_link, title, headers, formula, height in tables:
        sheet.put(0, row, title_link, 2, title, spill=True)
        for col, header in enumerate(headers):
            sheet.label(col, row + 1, header)
        sheet.put(0, row + 2, formula)
        row += 2 + height
    # due to buy again: per rhythm state, then the clients
    sheet.put(
        0,
        row,
        link(
            "Due to buy again",
            "list",
            PARTNER,
            COMMERCIAL,
            {"search_default_rhythm_due": 1},
            xml_id="client_segmentation.res_partner_action_due",
        ),
        2,
        "Due to buy again",
        spill=True,
    )
    for col, header in enumerate(["Buying rhythm", "Clients", "Revenue in window"]):
        sheet.label(col, row + 1, header)
    sheet.put(0, row + 2, "=PIVOT(6,5,TRUE,FALSE)")
    row += 6
    columns = [
        "name",
        "user_id",
        "abc_class",
        "rhythm_state",
        "next_purchase_date",
        "segment_revenue_window",
    ]
    headers = [
        "Client",
        "Salesperson",
        "ABC Class",
        "Buying Rhythm",
        "Next Purchase Expected",
        "Revenue in Window",
    ]
    for col, (field, header) in enumerate(zip(columns, headers, strict=True)):
        sheet.put(col, row, f'=ODOO.LIST.HEADER(1,"{field}")', 3, header)
        for index in range(1, 21):
            sheet.put(col, row + index, f'=ODOO.LIST(1,{index},"{field}")')
    row += 23
    sheet.put(
        0,
        row,
        link(
            "Movements this month",
            "pivot",
            "client.segment.movement",
            [["dimension", "in", ["abc", "recency", "stage"]]],
            {
                "search_default_this_month": 1,
                "pivot_row_groupby": ["dimension", "from_value"],
                "pivot_column_groupby": ["to_value"],
                "pivot_measures": ["client_count"],
            },
            name="Movements",
            xml_id="client_segmentation.client_segment_movement_action",
        ),
        2,
        "Movements this month",
        spill=True,
    )
    for col, header in enumerate(
        ["Dimension: from, to", "Clients", "Revenue in window"]
    ):
        sheet.label(col, row + 1, header)
    sheet.put(0, row + 2, "=PIVOT(5,100,TRUE,FALSE)")
    return sheet


def sheet_json(sheet_id, name, sheet, figures, visible, min_widths):
    widths = {col: max(w, min_widths.get(col, 100)) for col, w in sheet.widths.items()}
    for col, width in min_widths.items():
        widths.setdefault(col, width)
    return {
        "id": sheet_id,
        "name": name,
        "colNumber": 26,
        "rowNumber": 200,
        "rows": {"0": {"size": 40}},
        "cols": {str(col): {"size": width} for col, width in sorted(widths.items())},
        "merges": [],
        "cells": dict(sorted(sheet.cells.items(), key=lambda kv: cell_key(kv[0]))),
        "styles": sheet.styles,
        "formats": {},
        "borders": {},
        "conditionalFormats": [],
        "figures": figures,
        "tables": [],
        "areGridLinesVisible": False,
        "isVisible": visible,
        "headerGroups": {"ROW": [], "COL": []},
        "dataValidationRules": [],
        "comments": {},
    }


def cell_key(name):
    match = re.fullmatch(r"([A-Z]+)(\d+)", name)
    return int(match[2]), match[1]


def main():
    path = HERE / "files" / "client_base_dashboard.json"
    data = json.loads(path.read_text())
    board = dashboard_sheet()
    figures = [
        scorecard(0, "Clients", "Data!B1"),
        scorecard(210, "Revenue in window", "Data!C2"),
        scorecard(420, "A but sleeping", "Data!B3"),
        scorecard(630, "Due to buy again", "Data!B4"),
        scorecard(840, "Moved this month", "Data!B5"),
        *charts(),
    ]
    # the charts cover columns A..E (1040 px): numbers at least 120 px
    first = min(max(board.widths.get(0, 0), 320), 420)
    min_widths = {0: first, **{col: 120 for col in range(1, 6)}}
    data["sheets"] = [
        sheet_json("client-base", "Client base", board, figures, True, min_widths),
        sheet_json("client-base-data", "Data", data_sheet(), [], False, {0: 200}),
    ]
    data["styles"] = STYLES
    data["uniqueFigureIds"] = True
    # client_count: the movement report's "Clients" measure (distinct clients)
    path.write_text(json.dumps(data, indent=4, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
