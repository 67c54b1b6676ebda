"""The end of a send: what happened to every line read, as text for people or JSON for scripts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from . import exit_codes

# Values of ``Summary.stopped_by``: what stopped the send before the input's end.
CREDENTIALS_REFUSED = "credentials_refused"
JOURNAL_MISMATCH = "journal_mismatch"
_EXIT_CODE_OF_STOP = {
    CREDENTIALS_REFUSED: exit_codes.CREDENTIALS_REFUSED,
    JOURNAL_MISMATCH: exit_codes.JOURNAL_MISMATCH,
}


@attrs.frozen(kw_only=True, slots=True)
class Summary:
    """Counts of one run. Every line read is exactly one of: blank, already acknowledged (journal),
    another shard's, invalid, or valid; every valid line sent is accepted, failed, or (after an interruption)
    was not answered, and then the journal does not list it."""

    kind: str
    file: str
    dry_run: bool
    shard: str | None
    journal: str | None
    failed_out: str | None
    lines: int
    blank: int
    already_acknowledged: int
    other_shards: int
    invalid: int
    valid: int
    accepted: int
    failed: int
    outcome_unknown: int
    elapsed_s: float
    interrupted: bool
    error: str | None
    stopped_by: str | None = None  # CREDENTIALS_REFUSED or JOURNAL_MISMATCH

    @property
    def unanswered(self) -> int:
        """Valid records handed to the sender that got no answer (an interruption or an error stopped it)."""
        return 0 if self.dry_run else self.valid - self.accepted - self.failed

    def exit_code(self) -> int:
        if self.interrupted:
            return exit_codes.INTERRUPTED
        if self.stopped_by is not None:
            return _EXIT_CODE_OF_STOP[self.stopped_by]
        if self.invalid or self.failed or self.error or self.unanswered:
            return exit_codes.FAILED
        return exit_codes.OK

    def as_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["unanswered"] = self.unanswered
        data["exit_code"] = self.exit_code()
        data["records_per_second"] = round(self.accepted / self.elapsed_s, 1) if self.elapsed_s else 0.0
        return data

    def text(self, duration: Callable[[float], str]) -> str:
        head = "dry run" if self.dry_run else "interrupted" if self.interrupted else "done"
        where = f" (shard {self.shard})" if self.shard else ""
        lines = [
            f"{head}: {self.kind} from {self.file}{where}, {self.lines:,} lines in {duration(self.elapsed_s)}"
        ]
        if self.dry_run:
            lines.append(f"  valid {self.valid:,}, invalid {self.invalid:,}")
        else:
            rate = self.accepted / self.elapsed_s if self.elapsed_s else 0.0
            lines.append(
                f"  accepted {self.accepted:,} ({rate:,.0f}/s), failed {self.failed:,}"
                + (f" ({self.outcome_unknown:,} with unknown outcome)" if self.outcome_unknown else "")
                + f", invalid {self.invalid:,}"
                + (f", not answered {self.unanswered:,}" if self.unanswered else "")
            )
        skipped = []
        if self.already_acknowledged:
            skipped.append(f"{self.already_acknowledged:,} acknowledged before (journal)")
        if self.other_shards:
            skipped.append(f"{self.other_shards:,} of other shards")
        if self.blank:
            skipped.append(f"{self.blank:,} blank")
        if skipped:
            lines.append("  skipped " + ", ".join(skipped))
        if self.failed_out and (self.failed or self.invalid or self.unanswered):
            lines.append(
                f"  lines not accepted are in {self.failed_out}"
                + (" (those not answered marked not_answered)" if self.unanswered else "")
            )
        if (self.interrupted or self.unanswered) and self.journal:
            lines.append(
                f"  run the same command again to resume from {self.journal}: it sends the lines not "
                "answered again, under the same dedupe keys"
            )
        elif self.unanswered and not self.failed_out:
            lines.append(
                "  the lines not answered are recorded nowhere: use --journal to resume a send, or "
                "--failed-out to list them"
            )
        return "\n".join(lines)
