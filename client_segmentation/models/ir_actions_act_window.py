from odoo import models

# In the context of the addon's client actions: the user's own clients open
# first for salespeople, every client for sales managers.
MINE_MARKER = "'client_segmentation_mine': 1"
MINE_FILTERS = {
    "res.partner": "search_default_segment_my_clients",
    "client.work.plan.run": "search_default_mine",
}


class IrActionsActWindow(models.Model):
    _inherit = "ir.actions.act_window"

    def _get_action_dict(self):
        """A salesperson lands on their own clients (the board's "My Clients"
        filter on), a sales manager on everyone's: the actions of the addon
        that carry the marker in their context get the filter for users who
        are not sales managers. Only the search default changes: the user
        removes it like any other filter."""
        result = super()._get_action_dict()
        context = result.get("context") or ""
        if MINE_MARKER not in context:
            return result
        user = self.env.user
        if (
            user.has_group("sales_team.group_sale_salesman")
            and not user.has_group("sales_team.group_sale_manager")
            and result.get("res_model") in MINE_FILTERS
        ):
            mine = f"'{MINE_FILTERS[result['res_model']]}': 1"
            result["context"] = context.replace(MINE_MARKER, f"{MINE_MARKER}, {mine}")
        return result
