from freezegun import freeze_time

from odoo import Command

from odoo.addons.client_segmentation.tests.common import SegmentationCase


class PosSegmentationCase(SegmentationCase):
    """A shop (Point of Sale with a cash payment method and an open session)
    per company, and orders paid, refunded and invoiced as a cashier does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pos_product = cls.env["product.product"].create(
            {
                "name": "Shop product",
                "type": "service",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
                "available_in_pos": True,
            }
        )
        cls.shop = cls._shop(cls.company_data)

    @classmethod
    def _shop(cls, company_data, currency=None):
        """An open session of a new Point of Sale of the company, and its
        cash payment method; ``currency``: a shop that sells in it (its
        journals and pricelist in that currency)."""
        company = company_data["company"]
        Env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        cash_journal = company_data["default_journal_cash"]
        values = {}
        if currency:
            Journal = Env["account.journal"]
            cash_journal, sales_journal = (
                Journal.create(
                    {
                        "name": f"Shop {kind} {currency.name}",
                        "type": kind,
                        "code": f"S{kind[:2].upper()}{currency.name[:2]}",
                        "company_id": company.id,
                        "currency_id": currency.id,
                    }
                )
                for kind in ("cash", "sale")
            )
            pricelist = Env["product.pricelist"].create(
                {"name": f"Shop {currency.name}", "currency_id": currency.id}
            )
            values = {
                "journal_id": sales_journal.id,
                "invoice_journal_id": sales_journal.id,
                "use_pricelist": True,
                "available_pricelist_ids": pricelist.ids,
                "pricelist_id": pricelist.id,
            }
        cash = Env["pos.payment.method"].create(
            {
                "name": "Cash",
                "journal_id": cash_journal.id,
                "company_id": company.id,
            }
        )
        config = Env["pos.config"].create(
            {
                "name": f"Shop {company.name} {currency.name if currency else ''}",
                "company_id": company.id,
                "payment_method_ids": [Command.set(cash.ids)],
                **values,
            }
        )
        config.open_ui()
        session = config.current_session_id
        session.set_opening_control(0, None)
        return {"session": session, "cash": cash, "env": Env}

    def _pos_order(self, partner, day, amount, shop=None, pay=True):
        """A Point of Sale order of ``amount`` (untaxed, no tax) on ``day``,
        paid in cash through the payment wizard."""
        shop = shop or self.shop
        Env = shop["env"]
        with freeze_time(day):
            order = Env["pos.order"].create(
                {
                    "session_id": shop["session"].id,
                    "company_id": shop["session"].company_id.id,
                    "partner_id": partner.id if partner else False,
                    "lines": [
                        Command.create(
                            {
                                "product_id": self.pos_product.id,
                                "qty": 1,
                                "price_unit": amount,
                                "price_subtotal": amount,
                                "price_subtotal_incl": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                    "amount_tax": 0.0,
                    "amount_total": amount,
                    "amount_paid": 0.0,
                    "amount_return": 0.0,
                }
            )
            if pay:
                self._pay(order, shop)
        return order

    def _pay(self, order, shop=None):
        shop = shop or self.shop
        context = {"active_id": order.id, "active_ids": order.ids}
        payment = (
            shop["env"]["pos.make.payment"]
            .with_context(**context)
            .create(
                {"amount": order.amount_total, "payment_method_id": shop["cash"].id}
            )
        )
        payment.with_context(**context).check()
        self.assertEqual(order.state, "paid")

    def _refund(self, order, day, quantity=None):
        """A paid refund order of ``quantity`` (default all) of ``order``."""
        with freeze_time(day):
            refund = order.browse(order.refund()["res_id"])
            if quantity is not None:
                line = refund.lines
                amount = line.price_unit * quantity
                line.write(
                    {
                        "qty": -quantity,
                        "price_subtotal": -amount,
                        "price_subtotal_incl": -amount,
                    }
                )
                refund.amount_total = -amount
            self._pay(refund)
        return refund

    def _invoice(self, order, day):
        with freeze_time(day):
            order.action_pos_order_invoice()
        self.assertEqual(order.state, "invoiced")
        return order.account_move
