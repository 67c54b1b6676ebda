"""One module per figure of the report; each exposes ``measure(sizes, hub_kind) -> Figure``."""
