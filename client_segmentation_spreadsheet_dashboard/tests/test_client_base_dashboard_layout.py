import re
from pathlib import Path

import polib

from odoo.tests import tagged

from .common import DashboardCase
from .test_client_base_dashboard import cell_position

ADDON = Path(__file__).resolve().parent.parent
LANGS = ("ru", "uk", "zh_CN")
TERM = re.compile(r'=_t\("(.+)"\)$')
LINK = re.compile(r"\[(.+?)\]\(odoo://view/")
ROW_HEIGHT = 23  # o-spreadsheet's default row height, px
# the narrowest a character of the dashboard's bold 11 px text gets on
# average (Latin and Cyrillic); CJK characters count twice
PX_PER_CHAR = 7


def text_width(text):
    wide = sum(1 for char in text if ord(char) > 0x2E80)
    return (len(text) + wide) * PX_PER_CHAR


@tagged("post_install", "-at_install", "client_segmentation_glue")
class TestClientBaseDashboardLayout(DashboardCase):
    """Issue 19, point 17: the dashboard opens on scorecards and charts, as
    Odoo's own dashboards do, the tables below; no title or header cut in
    any language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.figures = cls.sheet["figures"]
        cls.data_sheet = next(s for s in cls.data["sheets"] if s["name"] == "Data")
        cls.translations = [
            {
                e.msgid: e.msgstr
                for e in polib.pofile(str(ADDON / "i18n" / f"{lang}.po"))
            }
            for lang in LANGS
        ]

    def _charts(self, kind):
        return [
            f for f in self.figures if f["tag"] == "chart" and f["data"]["type"] == kind
        ]

    def _row_top(self, row):
        rows = self.sheet["rows"]
        return sum(rows.get(str(r), {}).get("size", ROW_HEIGHT) for r in range(row))

    def test_opens_on_scorecards_then_charts_then_tables(self):
        scorecards = self._charts("scorecard")
        self.assertEqual(
            [f["data"]["title"]["text"] for f in scorecards],
            [
                "Clients",
                "Revenue in window",
                "A but sleeping",
                "Due to buy again",
                "Moved this month",
            ],
        )
        data_cells = self.data_sheet["cells"]
        for scorecard in scorecards:
            sheet_name, cell = scorecard["data"]["keyValue"].split("!")
            self.assertEqual(sheet_name, "Data")
            self.assertIn(cell, data_cells)
        self.assertFalse(self.data_sheet["isVisible"])
        (abc_recency,) = self._charts("odoo_bar")
        self.assertEqual(
            abc_recency["data"]["metaData"]["groupBy"], ["abc_class", "recency_segment"]
        )
        (funnel,) = self._charts("bar")
        charts = [abc_recency, funnel]
        # scorecards on top, the charts under them, the tables under both
        self.assertLess(
            max(f["y"] + f["height"] for f in scorecards), min(f["y"] for f in charts)
        )
        bottom = max(f["y"] + f["height"] for f in charts)
        first_table = min(
            cell_position(name)[1] for name in self.sheet["cells"] if name != "A1"
        )
        self.assertGreaterEqual(self._row_top(first_table), bottom)
        # the charts do not overlap
        self.assertLessEqual(abc_recency["x"] + abc_recency["width"], funnel["x"])

    def test_funnel_chart_in_the_stages_colours(self):
        """One bar per active stage, in its order and colour, counting the
        stage's clients from the funnel pivot (White shows light grey on the
        white chart)."""
        (funnel,) = self._charts("bar")
        stages = self.env["client.funnel.stage"].search([])
        data_sets = funnel["data"]["dataSets"]
        self.assertEqual(len(data_sets), len(stages))
        cells = self.data_sheet["cells"]
        for data_set, stage in zip(data_sets, stages, strict=True):
            with self.subTest(stage=stage.name):
                colour = "#E0E0E0" if stage.color.upper() == "#FFFFFF" else stage.color
                self.assertEqual(data_set["backgroundColor"], colour)
                first, last = data_set["dataRange"].split("!")[1].split(":")
                self.assertEqual(
                    cells[first]["content"],
                    f'=PIVOT.HEADER(2,"funnel_stage_id",{stage.id})',
                )
                self.assertEqual(
                    cells[last]["content"],
                    f'=PIVOT.VALUE(2,"__count","funnel_stage_id",{stage.id})+0',
                )
        self.assertEqual(
            data_sets[0]["backgroundColor"], "#E0E0E0", "White comes first"
        )
        self.assertIn(
            self.env.ref("client_segmentation.client_funnel_stage_gold").color,
            [d["backgroundColor"] for d in data_sets],
        )

    def test_titles_and_headers_fit_in_every_language(self):
        """A header's column is wide enough for it in English, Russian,
        Ukrainian and Chinese; a pane title has free cells to run over."""
        cols = self.sheet["cols"]
        cells = self.sheet["cells"]

        def width(col):
            return cols.get(str(col), {}).get("size", 96)

        for name, cell in cells.items():
            content = cell.get("content", "")
            term = TERM.match(content)
            title = LINK.match(content)
            if not (term or title):
                continue
            text = (term or title)[1]
            needed = max(
                text_width(t.get(text) or text) for t in [{}, *self.translations]
            )
            col, row = cell_position(name)
            with self.subTest(cell=name, text=text):
                if term:
                    self.assertGreaterEqual(width(col), needed)
                    continue
                # a title spills over the empty cells to its right
                room, right = width(col), col + 1
                while room < needed:
                    neighbour = f"{chr(65 + right)}{row + 1}"
                    self.assertNotIn(neighbour, cells)
                    room += width(right)
                    right += 1

    def test_pivot_headers_never_show_a_pivot_name(self):
        """The tables are built of headers and values: no =PIVOT() with its
        column titles (its top-left cell would show the pivot's name,
        untranslated)."""
        for name, cell in self.sheet["cells"].items():
            content = cell.get("content", "")
            if content.startswith("=PIVOT("):
                with self.subTest(cell=name):
                    self.assertRegex(content, r"^=PIVOT\(\d+,\d+,TRUE,FALSE\)$")
