import json

from odoo import api, models

DASHBOARD = (
    "client_segmentation_spreadsheet_dashboard.spreadsheet_dashboard_client_base"
)
FUNNEL_CHART_ID = "client-base-funnel"
DATA_SHEET_ID = "client-base-data"
# the funnel chart's cells on the Data sheet: stage names on this row, their
# clients on the next, one column per stage from B
NAME_ROW = 8
WHITE_BAR = "#E0E0E0"


def column_name(index):
    """Spreadsheet column of a 0-based index: 0 -> A, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


class SpreadsheetDashboard(models.Model):
    _inherit = "spreadsheet.dashboard"

    @api.model
    def _client_segmentation_fill_funnel(self):
        """Give the "Client base" dashboard's funnel chart one bar per active
        funnel stage, in the stage's colour and order, with its name and
        clients from the dashboard's funnel pivot (2). Run at the module's
        install and update, after the dashboard's file is loaded (stage ids
        and colours are the database's; a stage added or recoloured later
        shows after the next update of the module)."""
        dashboard = self.env.ref(DASHBOARD, raise_if_not_found=False)
        if not dashboard:
            return
        data = json.loads(dashboard.spreadsheet_data)
        sheet = next(s for s in data["sheets"] if s["id"] == DATA_SHEET_ID)
        chart = next(
            f["data"]
            for s in data["sheets"]
            for f in s["figures"]
            if f["id"] == FUNNEL_CHART_ID
        )
        stages = self.env["client.funnel.stage"].search([])
        data_sets = []
        for index, stage in enumerate(stages, start=1):
            col = column_name(index)
            sheet["cells"][f"{col}{NAME_ROW}"] = {
                "content": f'=PIVOT.HEADER(2,"funnel_stage_id",{stage.id})'
            }
            sheet["cells"][f"{col}{NAME_ROW + 1}"] = {
                "content": f'=PIVOT.VALUE(2,"__count","funnel_stage_id",{stage.id})+0'
            }
            data_sets.append(
                {
                    "dataRange": f"Data!{col}{NAME_ROW}:{col}{NAME_ROW + 1}",
                    # a white bar would not show on the white chart
                    "backgroundColor": WHITE_BAR
                    if (stage.color or "#FFFFFF").upper() == "#FFFFFF"
                    else stage.color,
                }
            )
        chart["dataSets"] = data_sets
        dashboard.spreadsheet_data = json.dumps(data)
