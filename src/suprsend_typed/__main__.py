"""``python -m suprsend_typed``: the ``suprsend-typed`` command line."""

from .cli.main import console_main

if __name__ == "__main__":
    console_main()
