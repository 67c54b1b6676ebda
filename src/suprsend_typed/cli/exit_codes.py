"""The command's exit codes, as scripts and job schedulers read them."""

OK = 0  # everything accepted (or, with --dry-run, every line valid)
FAILED = 1  # some records failed or some lines were invalid
USAGE = 2  # bad arguments or configuration (argparse uses 2 as well)
INTERRUPTED = 130  # Ctrl-C or SIGTERM (128 + SIGINT): what was acknowledged is journaled
