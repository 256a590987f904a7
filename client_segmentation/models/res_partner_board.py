"""How the boards, pivots and graphs group and sort clients: the addon's
selections in their own order, empty figures as 0, the columns without work
folded."""

from odoo import api, models
from odoo.tools import SQL

from .. import sqlutil

# Board columns that hold no work to do, folded when the board opens: no ABC
# class (no revenue in the window) and never bought.
FOLDED_EMPTY_GROUPS = {"abc_class": False, "recency_segment": "none"}


class ResPartner(models.Model):
    # One class per concept of the partner, in its own file (docs/architecture.md):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.partner"

    @api.model
    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """The addon's figures (revenue, purchases) sort a client without a
        value as 0: "most revenue first" lists start with the clients that
        bring the most, not with those that bring nothing (an empty
        company-dependent value is NULL, which PostgreSQL sorts first in
        descending order)."""
        field = self._fields.get(field_name)
        if (
            field
            and field.company_dependent
            and field.type in ("float", "integer", "monetary")
            and (field._module or "").startswith("client_segmentation")
        ):
            return SQL(
                "COALESCE(%s, 0) %s %s",
                self._field_to_sql(alias, field_name, query),
                direction,
                nulls,
            )
        return super()._order_field_to_sql(alias, field_name, direction, nulls, query)

    @api.model
    def _read_group_orderby(self, order, groupby_terms, query):
        """Groups of the addon's selections (recency, ABC class, frequency,
        rhythm, temperature) come in the order of the selection, as on the
        boards (recent, due, sleeping, never), in pivots, graphs and
        dashboards too, instead of alphabetically by key."""
        terms = dict(groupby_terms)
        for spec, expr in groupby_terms.items():
            field = self._fields.get(spec)
            if (
                field
                and field.type == "selection"
                and (field._module or "").startswith("client_segmentation")
            ):
                keys = [key for key, _label in field._description_selection(self.env)]
                terms[spec] = sqlutil.in_order(expr, keys)
        return super()._read_group_orderby(order, terms, query)

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """Boards open with the columns that hold no work to do folded: no ABC
        class and never bought (FOLDED_EMPTY_GROUPS); the clients without
        typology are grouped as "To Classify"."""
        groups = super().read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        if not lazy or not groupby:
            return groups
        first = groupby[0] if isinstance(groupby, list | tuple) else groupby
        if first in FOLDED_EMPTY_GROUPS:
            folded = FOLDED_EMPTY_GROUPS[first]
            for group in groups:
                if group.get(first) == folded:
                    group["__fold"] = True
        elif first == "client_type_id":
            # clients without typology are work to do: say so
            for group in groups:
                if not group.get(first):
                    group[first] = (False, self.env._("To Classify"))
        return groups
