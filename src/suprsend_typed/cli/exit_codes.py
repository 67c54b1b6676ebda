"""The command's exit codes, as scripts and job schedulers read them."""

OK = 0  # everything accepted (or, with --dry-run, every line valid)
FAILED = 1  # some records failed or some lines were invalid (or the API answered an error)
USAGE = 2  # bad arguments or configuration (argparse uses 2 as well); nothing was sent or written
CREDENTIALS_REFUSED = 3  # the hub answered 401 or 403: wrong workspace key, secret or API key
JOURNAL_MISMATCH = 4  # the input is not the one the journal acknowledged; start a new journal
INTERRUPTED = 130  # Ctrl-C or SIGTERM (128 + SIGINT): what was acknowledged is journaled

# Said with every 401 or 403, by every command.
CREDENTIALS_HINT = (
    "check the workspace key and secret (or API key): --workspace-key/--workspace-secret, "
    "SUPRSEND_WORKSPACE_KEY/SUPRSEND_WORKSPACE_SECRET or --profile; `suprsend-typed profile show` "
    "shows the ones used"
)
