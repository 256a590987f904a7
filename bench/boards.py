"""The web client's calls to open a screen, replayed in-process (server time):
used by ``bench_boards.py``.

A board (kanban): the action as the user gets it (``_for_xml_id``, so a
salesperson's "My Clients" default applies), the search defaults of its
context, then ``web_read_group`` on the view's ``default_group_by``,
``read_progress_bar`` and one ``web_search_read`` of 40 cards per open column,
with the card's fields. A list (call lists): ``web_search_read`` of 80 rows and
``search_count``. Views are not timed: the web client caches them.
"""

import time

from lxml import etree

CARDS = 40
ROWS = 80


def _eval_context(env):
    from odoo.fields import Date
    from odoo.tools.safe_eval import datetime, dateutil
    from odoo.tools.safe_eval import time as safe_time

    return {
        "uid": env.uid,
        "context_today": lambda: Date.context_today(env.user),
        "datetime": datetime,
        "relativedelta": dateutil.relativedelta.relativedelta,
        "time": safe_time,
        "current_company_id": env.company.id,
        "allowed_company_ids": env.companies.ids,
    }


def _screen(env, xmlid):
    """(model, domain, context, kanban arch or None, list arch) of an action."""
    from odoo.tools.safe_eval import safe_eval

    action = env["ir.actions.act_window"]._for_xml_id(xmlid)
    values = _eval_context(env)
    context = safe_eval(action.get("context") or "{}", values)
    domain = safe_eval(action.get("domain") or "[]", values)
    Model = env[action["res_model"]].with_context(**context)
    view_ids = {mode: view for view, mode in action.get("views", [])}
    search_id = action.get("search_view_id")
    views = Model.get_views(
        [(view_ids.get("kanban"), "kanban"), (view_ids.get("list"), "list")]
        + [(search_id and search_id[0], "search")]
    )["views"]
    search = etree.fromstring(views["search"]["arch"])
    for node in search.iter("filter"):
        name = node.get("name")
        if name and context.get(f"search_default_{name}") and node.get("domain"):
            domain = ["&", *domain, *safe_eval(node.get("domain"), values)]
    # the web client opens the action's first view
    first = action["views"][0][1] if action.get("views") else action["view_mode"]
    kanban = first.startswith("kanban") and views["kanban"]["arch"]
    return Model, domain, kanban, views["list"]["arch"]


def _specification(Model, arch):
    """The view's root node and the fields the web client reads for each of
    its records (relational ones with their display name)."""
    tree = etree.fromstring(arch)
    spec = {}
    for node in tree.iter("field"):
        field = Model._fields.get(node.get("name"))
        if field:
            relational = {"fields": {"display_name": {}}}
            spec[field.name] = relational if field.relational else {}
    return tree, spec


def kanban_request(node):
    """What the web client asks to open a kanban whose root is ``node``:
    its column field, card order, column aggregates and progress bar."""
    bar = node.find("progressbar")
    sum_field = bar.get("sum_field") if bar is not None else None
    return {
        "group_by": node.get("default_group_by"),
        "order": node.get("default_order") or None,
        "aggregates": [f"{sum_field}:sum"] if sum_field else [],
        "sum_field": sum_field,
        "bar": bar is not None
        and {"field": bar.get("field"), "colors": {}, "sum_field": sum_field},
    }


def open_screen(env, xmlid):
    """Seconds and queries the server spends opening ``xmlid`` for env.user,
    and the numbers shown (per column: count and sum, or the list's count)."""
    Model, domain, kanban, list_arch = _screen(env, xmlid)
    env.invalidate_all()
    queries = env.cr.sql_log_count
    started = time.perf_counter()
    if kanban:
        node, spec = _specification(Model, kanban)
        request = kanban_request(node)
        group_by, order = request["group_by"], request["order"]
        sum_field = request["sum_field"]
        result = Model.web_read_group(
            domain, request["aggregates"], [group_by], lazy=True
        )
        if request["bar"]:
            Model.read_progress_bar(domain, group_by, request["bar"])
        shown = []
        for group in result["groups"]:
            if group.get("__fold"):
                continue
            Model.web_search_read(
                group["__domain"], spec, limit=CARDS, order=order, count_limit=10001
            )
            count = group.get(f"{group_by}_count", group.get("__count", 0))
            shown.append((count, round(group.get(sum_field) or 0, 2)))
    else:
        _node, spec = _specification(Model, list_arch)
        rows = Model.web_search_read(domain, spec, limit=ROWS, count_limit=10001)
        shown = [(rows["length"], Model.search_count(domain))]
    seconds = time.perf_counter() - started
    return seconds, env.cr.sql_log_count - queries, shown


def open_contacts(env):
    """Stock Contacts, the reference: 80 cards and the count."""
    Partner = env["res.partner"]
    env.invalidate_all()
    queries = env.cr.sql_log_count
    started = time.perf_counter()
    Partner.web_search_read(
        [], {"display_name": {}, "email": {}, "phone": {}}, limit=ROWS
    )
    Partner.search_count([])
    return time.perf_counter() - started, env.cr.sql_log_count - queries, []
