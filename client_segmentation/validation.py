"""Checks of what public methods receive (over RPC too), with messages that
name what is wrong instead of a raw ``ValueError`` or "Expected singleton"."""

from odoo.exceptions import UserError


def records_of(env, model, value, label):
    """The existing records of ``model`` given as ``value``: a recordset of
    that model, an id, or a list of ids. Anything else, or ids that do not
    exist, is refused with a message naming ``label``."""
    if hasattr(value, "_name"):
        if value._name != model:
            raise UserError(
                env._(
                    "%(label)s must be records of %(model)s, not of %(other)s.",
                    label=label,
                    model=model,
                    other=value._name,
                )
            )
        ids = list(value.ids)
    elif isinstance(value, bool):
        ids = None
    elif isinstance(value, int):
        ids = [value]
    elif isinstance(value, list | tuple) and all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        ids = list(value)
    else:
        ids = None
    if ids is None:
        raise UserError(
            env._(
                "%(label)s must be given as ids of %(model)s, not %(value)r.",
                label=label,
                model=model,
                value=value,
            )
        )
    records = env[model].browse(dict.fromkeys(ids))
    missing = records - records.exists()
    if missing:
        raise UserError(
            env._(
                "%(label)s: no %(model)s with the ids %(ids)s.",
                label=label,
                model=model,
                ids=", ".join(str(record_id) for record_id in missing.ids),
            )
        )
    return records


def id_of(env, model, value, label):
    """The id of one ``model`` record written as ``value`` (an id, or
    False/None for none); anything else is refused naming ``label``."""
    if value in (False, None):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise UserError(
        env._(
            "%(label)s must be the id of a %(model)s record, not %(value)r.",
            label=label,
            model=model,
            value=value,
        )
    )


def ensure_one(records, what):
    """``records`` is exactly one record, else a message naming ``what``."""
    if len(records) != 1:
        raise UserError(
            records.env._(
                "This action works on one %(what)s at a time (%(count)s given).",
                what=what,
                count=len(records),
            )
        )
    return records
