"""``suprsend-typed send events|workflows|users FILE``: stream a JSON Lines file to the hub.

Lines are read lazily and sent through the library's bulk sender (the machinery of ``.stream()``), so memory
stays near ``concurrency`` x chunk size whatever the file's size. With ``--journal`` the lines the hub
acknowledged are recorded per chunk, and the same command resumes after a crash or Ctrl-C without sending an
acknowledged line again; the records that were in flight go again with the same dedupe keys, so the hub
counts them once. ``--shard K/N`` sends only this shard's users (see ``shard.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

import attrs

from .._bulk.bulk import _route
from .._bulk.errors import BulkAuthenticationError
from .._bulk.response import BulkResponse, BulkTally
from .._bulk.sender import send_all
from .._bulk.source import BulkSourceError
from .._client import Suprsend
from .._context import WireRecord
from .._errors import DEFAULT_ERROR_STATUS, APIStatusError, SuprsendConfigError
from . import exit_codes, profiles
from .exit_codes import CREDENTIALS_HINT
from .failed_out import FailedOut
from .ids import LineIds, namespace_for
from .journal import Journal, JournalError, JournalMismatchError
from .lineset import LineSet
from .output import write_json
from .progress import ProgressReporter, duration
from .reader import INVALID_LINE_CODE, LineReader
from .records import KINDS, RecordKind
from .shard import Shard, ShardSpecError
from .source import InputSource
from .summary import CREDENTIALS_REFUSED, JOURNAL_MISMATCH, Summary
from .tracker import ChunkTracker

DESCRIPTION = """\
Send a JSON Lines file (or standard input: -), one record per line in its wire form, in bulk requests.
Lines are validated before anything is sent; bad ones are reported with their line numbers.

With --journal PATH, the lines the hub acknowledged are recorded as they are; if the command is stopped
(Ctrl-C, kill -9, a lost machine), run it again with the same journal: acknowledged lines are skipped, and
the records in flight at the stop are sent again with the same $insert_id / $idempotency_key (derived from
the file, the line number and the content unless the line has its own), so the hub counts them once.

With --shard K/N, only the lines whose distinct id (for workflows, the first recipient's) hashes to K are
sent: int.from_bytes(sha256(distinct_id)[:8], "big") % N. Run shards 0/N .. N-1/N, each with its own
journal, to split one file across processes or machines without overlap. --shard auto takes K from
JOB_COMPLETION_INDEX (set in each pod of a Kubernetes Indexed Job) and N from --shard-count or
SUPRSEND_SHARD_COUNT (see docs/kubernetes.md).

A journal is bound to what its lines held: a line is skipped only once the digest of its chunk's content
matches; standard input carrying another stream, or a file edited in place, stops the command (exit 4)
instead of skipping lines it never sent. A --journal or --failed-out path that is the input, or a
--journal path holding anything but a journal, is refused with nothing written. Both files are 0600.

Exit codes: 0 all accepted, 1 some failed or invalid (or sending stopped on an error), 2 usage or
configuration error (nothing sent), 3 the hub refused the credentials (401/403; nothing more was sent),
4 the input is not the one the journal acknowledged, 130 interrupted."""

# Bad lines printed to standard error before the rest are only counted (all are in --failed-out).
SHOWN_INVALID_LINES = 20
# In a dry run without credentials, records are built for this workspace (nothing is sent).
DRY_RUN_WORKSPACE_KEY = "dry-run-workspace-key"
DRY_RUN_WORKSPACE_SECRET = "dry-run-workspace-secret"


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "send",
        help="send a JSON Lines file of events, workflow triggers or profile edits",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "kind",
        choices=list(KINDS),
        help="; ".join(f"{kind.name}: {kind.description}" for kind in KINDS.values()),
    )
    parser.add_argument("file", help="JSON Lines input, one record per line ('-': standard input)")
    parser.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="chunks in flight at once (default: 4 for events and workflows, 1 for users, which keeps "
        "each user's edits in order)",
    )
    parser.add_argument("--journal", metavar="PATH", help="record acknowledged lines here; rerun to resume")
    parser.add_argument(
        "--shard",
        metavar="K/N",
        help="send only the lines of shard K of N (by distinct id); auto: K from JOB_COMPLETION_INDEX "
        "(a Kubernetes Indexed Job's pod index), N from --shard-count or SUPRSEND_SHARD_COUNT",
    )
    parser.add_argument("--shard-count", type=int, metavar="N", help="the number of shards for --shard auto")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="validate every line, send nothing (no journal is read or written; no credentials needed)",
    )
    parser.add_argument(
        "--failed-out", metavar="PATH", help="write every line not accepted here (JSON Lines)"
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress on standard error (default: only when it is a terminal)",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON on standard output")
    profiles.add_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    kind = KINDS[args.kind]
    concurrency = kind.default_concurrency if args.concurrency is None else args.concurrency
    if concurrency < 1:
        return _usage(f"--concurrency must be at least 1, got {concurrency}")
    try:
        if args.shard:
            shard: Shard | None = Shard.resolve(args.shard, count=args.shard_count, environ=os.environ)
        elif args.shard_count is not None:
            raise ShardSpecError("--shard-count goes with --shard auto")
        else:
            shard = None
    except ShardSpecError as exc:
        return _usage(str(exc))
    try:
        client = _client(args)
    except SuprsendConfigError as exc:
        return _usage(exc.message)
    with contextlib.ExitStack() as stack:
        stack.callback(client.close)
        try:
            source = InputSource(args.file)
        except OSError as exc:
            return _usage(f"cannot read {args.file}: {exc.strerror}")
        stack.callback(source.close)
        clash = _clash(args, source)
        if clash is not None:
            return _usage(clash)
        journal: Journal | None = None
        if args.journal and not args.dry_run:
            expected = {"kind": kind.name, "input": source.identity, "shard": str(shard) if shard else None}
            try:
                journal = Journal.open(args.journal, expected=expected, new_seed=source.identity_seed)
            except JournalError as exc:
                return _usage(str(exc))
            stack.callback(journal.close)
        failed_out = None
        if args.failed_out:
            try:
                failed_out = FailedOut(args.failed_out)
            except OSError as exc:
                return _usage(f"cannot write {args.failed_out}: {exc.strerror}")
            stack.callback(failed_out.close)
        seed = journal.seed if journal is not None else source.identity_seed()
        show_progress = args.progress if args.progress is not None else sys.stderr.isatty()
        reporter = ProgressReporter(
            sys.stderr,
            enabled=show_progress,
            terminal=sys.stderr.isatty(),
            bytes_read=lambda: source.bytes_read,
            size=source.size,
        )
        tracker = ChunkTracker(_route(client._core, kind.bulk), journal=journal, failed_out=failed_out)
        shown = 0

        def on_invalid(line: int, reason: str, value: Any, raw: bytes) -> None:
            nonlocal shown
            shown += 1
            if shown <= SHOWN_INVALID_LINES:
                reporter.message(f"line {line}: {reason}")
            if failed_out is not None:
                failed_out.write(line=line, error=reason, code=INVALID_LINE_CODE, record=value, raw=raw)

        reader = LineReader(
            source,
            kind,
            ids=LineIds(namespace_for(seed)),
            context=client._core.context,
            shard=shard,
            done=journal.acknowledged if journal is not None else LineSet(),
            verifier=journal.verifier if journal is not None else None,
            line_of=tracker.line_of,
            on_invalid=on_invalid,
        )
        started = time.monotonic()
        stop = _send(reader, tracker, kind, concurrency, reporter, dry_run=args.dry_run)
        # Taken while the journal is open: a chunk answered later is then journaled or listed here, or both.
        unanswered = [] if args.dry_run else tracker.unanswered()
        error = stop.error
        if journal is not None:
            try:
                journal.close()  # synced before the summary says what is done
            except OSError as exc:
                error = error or f"the journal could not be synced: {exc}"
        reporter.finish()
        if failed_out is not None:
            _list_unanswered(failed_out, unanswered, interrupted=stop.interrupted)
        counts = reader.counts
        if shown > SHOWN_INVALID_LINES:
            reporter.message(f"... and {shown - SHOWN_INVALID_LINES} more invalid lines")
        if counts.lines == counts.blank and error is None and not stop.interrupted:
            reporter.message(
                f"suprsend-typed send: warning: {args.file} holds no records"
                + (" (only blank lines)" if counts.lines else " (it is empty)")
                + ": nothing was sent"
            )
        summary = Summary(
            kind=kind.name,
            file=args.file,
            dry_run=args.dry_run,
            shard=str(shard) if shard else None,
            journal=args.journal if journal is not None else None,
            failed_out=args.failed_out,
            lines=counts.lines,
            blank=counts.blank,
            already_acknowledged=counts.already_acknowledged,
            other_shards=counts.other_shards,
            invalid=counts.invalid,
            valid=counts.records,
            accepted=tracker.accepted,
            failed=tracker.failed,
            outcome_unknown=tracker.unknown,
            elapsed_s=time.monotonic() - started,
            interrupted=stop.interrupted,
            error=error,
            stopped_by=stop.reason,
        )
    if error is not None:
        print(f"suprsend-typed send: error: {error}", file=sys.stderr)
    if args.json:
        write_json(summary.as_dict())
    elif stop.reason != CREDENTIALS_REFUSED:  # that one line says it all: nothing more was sent
        print(summary.text(duration), file=sys.stderr)
    return summary.exit_code()


@attrs.frozen(kw_only=True, slots=True)
class Stop:
    """How sending ended: interrupted, or stopped by an error (its text, and its ``Summary.stopped_by``)."""

    interrupted: bool = False
    error: str | None = None
    reason: str | None = None


def _send(
    reader: LineReader,
    tracker: ChunkTracker,
    kind: RecordKind,
    concurrency: int,
    reporter: ProgressReporter,
    *,
    dry_run: bool,
) -> Stop:
    """Read every line and send (or, in a dry run, only build) its record; how it ended."""
    try:
        with _sigterm_as_interrupt():
            if dry_run:
                for record in reader.records():
                    del tracker.line_of[id(record)]
                return Stop()
            send_all(
                reader.records(),
                send_chunk=tracker,
                max_records=kind.bulk.max_records,
                max_bytes=kind.bulk.max_bytes,
                concurrency=concurrency,
                on_progress=reporter.update,
                # The tracker writes each failed record to --failed-out; the tally only counts, so a file
                # whose every line fails runs in bounded memory.
                tally=BulkTally(respond=BulkResponse.of, keep=0),
            )
    except KeyboardInterrupt:
        return Stop(interrupted=True)
    except BulkAuthenticationError as exc:
        cause = exc.__cause__
        answer = f"{cause.status_code} {cause.message}" if isinstance(cause, APIStatusError) else exc.message
        return Stop(
            error=f"the hub refused the credentials ({answer}); nothing more was sent: {CREDENTIALS_HINT}",
            reason=CREDENTIALS_REFUSED,
        )
    except BulkSourceError as exc:
        if isinstance(exc.__cause__, JournalMismatchError):
            return Stop(error=str(exc.__cause__), reason=JOURNAL_MISMATCH)
        return Stop(error=f"reading the input failed after line {reader.counts.lines}: {exc.__cause__}")
    except OSError as exc:  # the input, the journal or --failed-out could not be read or written
        return Stop(error=f"stopped: {exc}")
    return Stop()


def _list_unanswered(
    failed_out: FailedOut, unanswered: list[tuple[int, bytes, WireRecord]], *, interrupted: bool
) -> None:
    """The lines a stop left without an answer, marked: the hub may have them (a resend keeps their keys)."""
    why = "interrupted" if interrupted else "sending stopped"
    for line, raw, record in unanswered:
        failed_out.write(
            line=line,
            error=f"not answered: {why} before the hub answered (it may have the record)",
            code=DEFAULT_ERROR_STATUS,
            record=_sent_body(record),
            raw=raw,
            not_answered=True,
        )


def _sent_body(record: WireRecord) -> Any:
    """The body a record carries, with its dedupe key (None if it cannot be read back: its line is kept)."""
    try:
        return json.loads(record.text)
    except (ValueError, RecursionError):
        return None


def _clash(args: argparse.Namespace, source: InputSource) -> str | None:
    """Refuse, before anything is opened for writing, a --journal or --failed-out that is the input (or
    each other): writing would destroy it."""
    targets = [("--journal", args.journal), ("--failed-out", args.failed_out)]
    for number, (flag, path) in enumerate(targets):
        if not path:
            continue
        if source.is_file(path):
            return f"{flag} {path} is the input file: it would be overwritten; name another file"
        for other_flag, other in targets[number + 1 :]:
            if other and _same_file(path, other):
                return f"{flag} and {other_flag} name the same file {path}"
    return None


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:  # one does not exist yet
        return os.path.abspath(first) == os.path.abspath(second)


def _client(args: argparse.Namespace) -> Suprsend:
    """The client to send with; a dry run without credentials builds records for a placeholder workspace."""
    try:
        return profiles.resolve(args, os.environ).client()
    except SuprsendConfigError:
        if not args.dry_run:
            raise
        return Suprsend(DRY_RUN_WORKSPACE_KEY, DRY_RUN_WORKSPACE_SECRET)


def _usage(message: str) -> int:
    print(f"suprsend-typed send: error: {message}", file=sys.stderr)
    return exit_codes.USAGE


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a job scheduler stopping the pod) stops the send as Ctrl-C does: cleanly, journal synced."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():  # only the main thread takes signals
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
