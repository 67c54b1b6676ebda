"""One module per side under test; each exposes ``<scenario>(url, **sizes) -> Workload`` for what it runs."""
