from .common import SegmentationCase


class FunnelCase(SegmentationCase):
    """Segmentation case plus funnel thresholds, stages by rule, reasons and
    types; no demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "segment_funnel_platinum_purchases": 3,
                "segment_funnel_long_purchases": 4,
                "segment_funnel_long_months": 12,
            }
        )
        cls.Stage = cls.env["client.funnel.stage"]

        def ref(name):
            return cls.env.ref(f"client_segmentation.{name}")

        cls.white = ref("client_funnel_stage_white")
        cls.grey = ref("client_funnel_stage_grey")
        cls.green = ref("client_funnel_stage_green")
        cls.yellow = ref("client_funnel_stage_yellow")
        cls.gold = ref("client_funnel_stage_gold")
        cls.platinum = ref("client_funnel_stage_platinum")
        cls.red_green = ref("client_funnel_stage_red_green")
        cls.red_gold = ref("client_funnel_stage_red_gold")
        cls.platinum_red = ref("client_funnel_stage_platinum_red")
        cls.reason_price = ref("client_refusal_reason_price")
        cls.type_loyal = ref("client_type_loyal")
        cls.type_regular = ref("client_type_regular")

    @classmethod
    def _client(cls, name, **values):
        return cls.Partner.create(
            {"name": name, "is_company": True, "customer_rank": 1, **values}
        )

    def _recompute(self):
        """Recompute the company's segments and funnel; return the
        statistics of the company run (``funnel_moved`` included)."""
        return self.env["res.partner"]._segment_recompute_company(self.company)
