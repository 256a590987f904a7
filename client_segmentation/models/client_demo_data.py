from lxml import etree

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from ..tools import demo_data

# The boards of the app, in menu order: their action and the field the kanban
# groups by.
BOARD_ACTIONS = (
    "client_segmentation.res_partner_action_board_funnel",
    "client_segmentation.res_partner_action_board_value",
    "client_segmentation.res_partner_action_board_recency",
    "client_segmentation.res_partner_action_board_typology",
    "client_segmentation.res_partner_action_board_temperature",
)


class ClientDemoData(models.AbstractModel):
    """The demo client base (written from ``tools.demo_data``) and the board
    summary that ``scripts/demo.sh`` prints."""

    _name = "client.demo.data"
    _description = "Client Segmentation Demo Data"

    @api.model
    def _generate_demo_clients(self):
        """Create the planned demo clients, their contact persons, key dates
        and posted invoices (one ``create`` per model). Called by the demo
        data at install, before the first recompute."""
        if not self.env.is_superuser():
            raise AccessError(self.env._("Only the installer writes demo data."))
        today = fields.Date.context_today(self)
        plan = demo_data.demo_clients(today)
        Partner = self.env["res.partner"]
        # never a second partner of the same name (e.g. a demo loaded twice)
        names = [client.name for client in plan]
        names += [person.name for client in plan for person in client.persons]
        taken = set(
            Partner.with_context(active_test=False)
            .search([("name", "in", names)])
            .mapped("name")
        )
        plan = [
            client
            for client in plan
            if client.name not in taken
            and not {person.name for person in client.persons} & taken
        ]

        states = self._demo_states()
        industries = self.env["res.partner.industry"].search([], order="id")
        channels = self.env["client.channel"].search([], order="sequence, id")
        clients = Partner.create(
            [
                dict(
                    self._demo_client_values(client, states, industries),
                    **self._demo_contact_values(client, channels),
                )
                for client in plan
            ]
        )
        persons = Partner.create(
            [
                {
                    "name": person.name,
                    "parent_id": partner.id,
                    "function": person.function,
                    "is_decision_maker": person.is_decision_maker,
                    **self._demo_reference_values(number),
                    **self._demo_contact_values(person, channels),
                }
                for number, (client, partner, person) in enumerate(
                    (client, partner, person)
                    for client, partner in zip(plan, clients, strict=True)
                    for person in client.persons
                )
            ]
        )
        self._demo_key_dates(plan, clients, persons)
        self._demo_invoices(plan, clients)
        return clients

    @api.model
    def _demo_client_values(self, client, states, industries):
        """Values of one planned client; what the plan leaves empty is not
        written at all (an explicit empty stage would hide the White
        fallback)."""
        admin = self.env.ref("base.user_admin")
        users = {
            "admin": admin,
            "demo": self.env.ref("base.user_demo", raise_if_not_found=False) or admin,
        }
        values = {
            "name": client.name,
            "is_company": client.is_company,
            "customer_rank": 1,
            "city": client.place[2],
            "country_id": self.env.ref(f"base.{client.place[0].lower()}").id,
        }
        if client.place[:2] in states:
            values["state_id"] = states[client.place[:2]]
        if industries:
            values["industry_id"] = industries[
                client.industry_index % len(industries)
            ].id
        if client.salesperson:
            values["user_id"] = users[client.salesperson].id
        references = {
            "client_type_id": ("client_type", client.client_type),
            "funnel_stage_id": ("client_funnel_stage", client.manual_stage),
            "refusal_reason_id": ("client_refusal_reason", client.refusal_reason),
        }
        for name, (prefix, key) in references.items():
            if key:
                values[name] = self.env.ref(f"client_segmentation.{prefix}_{key}").id
        if client.temperature_override:
            values["temperature_override"] = client.temperature_override
        return values

    @api.model
    def _demo_reference_values(self, number):
        """The interests of every other contact person."""
        interests = self.env["client.interest.tag"].search([], order="id")
        if number % 2 or not interests:
            return {}
        return {
            "interest_tag_ids": [Command.set(interests[number % len(interests)].ids)]
        }

    @api.model
    def _demo_contact_values(self, contact, channels):
        """Phone, e-mail, preferred channel and call window of a planned
        client or person (``tools.demo_data``), those it has."""
        values = {}
        if contact.phone:
            values["phone"] = contact.phone
        if contact.email:
            values["email"] = contact.email
        if channels and contact.channel_index is not None:
            channel = channels[contact.channel_index % len(channels)]
            values["preferred_channel_id"] = channel.id
        if contact.call_window:
            values["call_time_from"], values["call_time_to"] = contact.call_window
        return values

    @api.model
    def _demo_states(self):
        countries = {place[0] for place in demo_data.PLACES}
        states = self.env["res.country.state"].search(
            [("country_id.code", "in", list(countries))]
        )
        return {(state.country_id.code, state.code): state.id for state in states}

    @api.model
    def _demo_key_dates(self, plan, clients, persons):
        birthday = self.env.ref("client_segmentation.client_key_date_type_birthday")
        anniversary = self.env.ref(
            "client_segmentation.client_key_date_type_company_anniversary"
        )
        values = []
        person_records = iter(persons)
        for client, partner in zip(plan, clients, strict=True):
            if client.key_date:
                values.append(
                    {
                        "partner_id": partner.id,
                        "type_id": (anniversary if client.is_company else birthday).id,
                        "date": client.key_date,
                    }
                )
            for person in client.persons:
                record = next(person_records)
                if person.birthday:
                    values.append(
                        {
                            "partner_id": record.id,
                            "type_id": birthday.id,
                            "date": person.birthday,
                        }
                    )
        self.env["client.key.date"].create(values)

    @api.model
    def _demo_invoices(self, plan, clients):
        values = []
        for client, partner in zip(plan, clients, strict=True):
            documents = [("out_invoice", *invoice) for invoice in client.invoices]
            documents += [("out_refund", *note) for note in client.credit_notes]
            for move_type, day, amount in documents:
                values.append(
                    {
                        "move_type": move_type,
                        "partner_id": partner.id,
                        "invoice_date": day,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": self.env._("Supply contract")
                                    if move_type == "out_invoice"
                                    else self.env._("Returned goods"),
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
        moves = self.env["account.move"].create(values)
        moves.action_post()
        return moves

    @api.model
    def _board_summary(self):
        """What each board shows to the current user: its columns, in board
        order, with their number of clients. The very request of the board:
        the action's domain and default filters, grouped by the kanban's
        column field, through ``web_read_group``.

        Return a list of ``(board name, [(column title, count), ...])``."""
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(self.env._("The boards are for salespeople."))
        Partner = self.env["res.partner"]
        search_arch = etree.fromstring(Partner.get_view(view_type="search")["arch"])
        filters = {
            node.get("name"): node.get("domain")
            for node in search_arch.iter("filter")
            if node.get("name") and node.get("domain")
        }
        eval_context = {"uid": self.env.uid}
        summary = []
        for xmlid in BOARD_ACTIONS:
            # the action as the web client loads it (menus' access rules)
            action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
            context = safe_eval(action.get("context") or "{}", eval_context)
            domains = [safe_eval(action.get("domain") or "[]", eval_context)]
            domains += [
                safe_eval(filters[key[len("search_default_") :]], eval_context)
                for key, value in context.items()
                if value
                and key.startswith("search_default_")
                and key[len("search_default_") :] in filters
            ]
            kanban_id = next(
                view_id for view_id, mode in action["views"] if mode == "kanban"
            )
            kanban = Partner.get_view(kanban_id, "kanban")
            group_by = etree.fromstring(kanban["arch"]).get("default_group_by")
            field = Partner._fields[group_by]
            result = Partner.web_read_group(expression.AND(domains), [], [group_by])
            columns = []
            for group in result["groups"]:
                value = group[group_by]
                if field.type == "many2one":
                    title = value[1] if value else self.env._("None")
                else:
                    labels = dict(field._description_selection(self.env))
                    title = labels.get(value, self.env._("None"))
                columns.append((title, group[f"{group_by}_count"]))
            summary.append((action["name"], columns))
        return summary
