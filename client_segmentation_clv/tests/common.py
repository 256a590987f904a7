import datetime
import os
import pathlib
from collections import defaultdict
from unittest.mock import patch

from freezegun import freeze_time

from odoo.addons.client_segmentation.tests.common import (
    AssertValidationMixin,
    SegmentationCase,
)
from odoo.addons.client_segmentation_clv.models import client_clv_engine

# The CDNOW sample (../shared/data/cdnow/ beside the repository, or CLV_CDNOW).
CDNOW = pathlib.Path(
    os.environ.get("CLV_CDNOW")
    or pathlib.Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "cdnow"
    / "CDNOW_sample.txt"
)
CALIBRATION_END = datetime.date(1997, 9, 30)


def read_cdnow():
    """``{customer: [(date, dollars), ...]}`` of the CDNOW file."""
    rows = defaultdict(list)
    with open(CDNOW, encoding="ascii") as lines:
        for line in lines:
            fields = line.split()
            if fields:
                day = datetime.datetime.strptime(fields[2], "%Y%m%d").date()
                rows[fields[0]].append((day, float(fields[4])))
    return rows


def small_minimums():
    """The minimum data of a fit lowered for small test cases."""
    return patch.multiple(
        client_clv_engine, MIN_CLIENTS=1, MIN_REPEAT_CLIENTS=1, MIN_HISTORY_DAYS=1
    )


class ClvCase(AssertValidationMixin, SegmentationCase):
    """Segmentation case with the nightly job at a frozen day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Model = cls.env["client.clv.model"]
        cls.Score = cls.env["client.clv.score"]

    def _nightly(self, day):
        """The nightly job (every company) on ``day``."""
        with freeze_time(f"{day} 12:00:00"):
            self.env["res.partner"]._cron_recompute_segments(auto_commit=False)
        self.env.invalidate_all()

    def _model(self, company=None):
        return self.Model.search([("company_id", "=", (company or self.company).id)])

    def _score(self, partner, company=None):
        return self.Score.search(
            [
                ("company_id", "=", (company or self.company).id),
                ("partner_id", "=", partner.id),
            ]
        )
