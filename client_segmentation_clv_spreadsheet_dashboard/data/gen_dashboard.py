"""Writes files/client_clv_dashboard.json (run from anywhere):

python client_segmentation_clv_spreadsheet_dashboard/data/gen_dashboard.py
"""

import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
MODEL = "client.clv.score"
MEASURES = ["__count", "expected_revenue", "value_at_risk"]


def link(name, view_type, group_by, domain=()):
    action = {
        "domain": list(domain),
        "context": {"group_by": group_by},
        "modelName": MODEL,
        "views": [[False, view_type], [False, "list"], [False, "search"]],
    }
    target = {"viewType": view_type, "action": action, "threshold": 0, "name": name}
    return f"[{name}](odoo://view/{json.dumps(target, separators=(',', ':'))})"


def pivot(pivot_id, name, row, domain=()):
    return {
        "type": "ODOO",
        "id": pivot_id,
        "formulaId": pivot_id,
        "name": name,
        "model": MODEL,
        "domain": list(domain),
        "context": {},
        "rows": [{"fieldName": row}],
        "columns": [],
        "measures": [{"id": m, "fieldName": m} for m in MEASURES],
        "fieldMatching": {},
    }


def main():
    slipping = [["alive_band", "in", ["uncertain", "lost"]]]
    cells = {
        "A1": {"content": '=_t("Predicted value")', "style": 1},
        "A3": {
            "content": link("Clients per still-active band", "pivot", ["alive_band"]),
            "style": 2,
        },
        "A4": {"content": '=_t("Still active")', "style": 3},
        "B4": {"content": '=_t("Clients")', "style": 3},
        "C4": {"content": '=_t("Expected revenue")', "style": 3},
        "D4": {"content": '=_t("Value at risk")', "style": 3},
        "A5": {"content": "=PIVOT(1,100,TRUE,FALSE)"},
        "A13": {
            "content": link("Clients per value decile", "pivot", ["value_decile"]),
            "style": 2,
        },
        "A14": {"content": '=_t("Value decile")', "style": 3},
        "B14": {"content": '=_t("Clients")', "style": 3},
        "C14": {"content": '=_t("Expected revenue")', "style": 3},
        "D14": {"content": '=_t("Value at risk")', "style": 3},
        "A15": {"content": "=PIVOT(2,100,TRUE,FALSE)"},
        "A28": {
            "content": link("Slipping away", "list", [], slipping),
            "style": 2,
        },
        "A29": {"content": "=ODOO.LIST(1,1,1)"},
    }
    sheet = {
        "id": "client-clv",
        "name": "Predicted value",
        "colNumber": 26,
        "rowNumber": 120,
        "rows": {"0": {"size": 40}, "2": {"size": 30}, "12": {"size": 30}},
        "cols": {"0": {"size": 260}, "1": {"size": 130}, "2": {"size": 150}},
        "merges": [],
        "cells": cells,
        "styles": {},
        "formats": {},
        "borders": {},
        "conditionalFormats": [],
        "figures": [],
        "tables": [],
        "areGridLinesVisible": False,
        "isVisible": True,
        "headerGroups": {"ROW": [], "COL": []},
        "dataValidationRules": [],
        "comments": {},
    }
    # the slipping-away list: 15 rows of the list, header first
    for index, column in enumerate("ABCDE"):
        field = [
            "partner_id",
            "alive_band",
            "prob_alive",
            "value_at_risk",
            "expected_revenue",
        ][index]
        cells[f"{column}29"] = {
            "content": f'=ODOO.LIST.HEADER(1,"{field}")',
            "style": 3,
        }
        for row in range(1, 16):
            cells[f"{column}{29 + row}"] = {"content": f'=ODOO.LIST(1,{row},"{field}")'}
    data = {
        "version": 21,
        "sheets": [sheet],
        "styles": {
            "1": {"bold": True, "fontSize": 16},
            "2": {"bold": True, "fontSize": 12},
            "3": {"bold": True, "fillColor": "#f2f2f2"},
        },
        "formats": {},
        "borders": {},
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "settings": {},
        "pivots": {
            "1": pivot("1", "Clients per still-active band", "alive_band"),
            "2": pivot("2", "Clients per value decile", "value_decile"),
        },
        "pivotNextId": 3,
        "customTableStyles": {},
        "odooVersion": 12,
        "globalFilters": [],
        "lists": {
            "1": {
                "id": "1",
                "name": "Slipping away",
                "model": MODEL,
                "domain": slipping,
                "context": {},
                "columns": [
                    "partner_id",
                    "alive_band",
                    "prob_alive",
                    "value_at_risk",
                    "expected_revenue",
                ],
                "orderBy": [{"name": "value_at_risk", "asc": False}],
                "fieldMatching": {},
            }
        },
        "listNextId": 2,
        "chartOdooMenusReferences": {},
    }
    path = HERE / "files" / "client_clv_dashboard.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
