def post_init_hook(env):
    """The module's interest signals count from the next recompute on, for
    every client (a full re-examination of the temperatures)."""
    env["client.segmentation.profile"]._renew_funnel()
