"""docs/kubernetes.md: the Indexed Job manifest parses, and its command means what the page says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from suprsend_typed.cli.main import build_parser
from suprsend_typed.cli.shard import COUNT_VARIABLE, INDEX_VARIABLE, Shard

PAGE = Path(__file__).resolve().parents[2] / "docs" / "kubernetes.md"


def _manifest() -> dict[str, Any]:
    blocks = re.findall(r"```yaml\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) == 1
    document: dict[str, Any] = yaml.safe_load(blocks[0])
    return document


def test_the_manifest_is_an_indexed_job_whose_pods_take_one_shard_each() -> None:
    job = _manifest()
    assert (job["kind"], job["spec"]["completionMode"]) == ("Job", "Indexed")
    completions = job["spec"]["completions"]
    container = job["spec"]["template"]["spec"]["containers"][0]
    env = {variable["name"]: variable.get("value") for variable in container["env"]}
    assert env[COUNT_VARIABLE] == str(completions)

    args = build_parser(container["args"][0]).parse_args(container["args"])
    assert args.shard == "auto"
    shards = [
        Shard.resolve(args.shard, count=args.shard_count, environ={**env, INDEX_VARIABLE: str(index)})
        for index in range(completions)
    ]
    assert shards == [Shard(index=index, count=completions) for index in range(completions)]


def test_the_journal_is_on_a_writable_volume_of_the_pod_and_the_input_is_read_only() -> None:
    pod = _manifest()["spec"]["template"]["spec"]
    container = pod["containers"][0]
    args = build_parser("send").parse_args(container["args"])
    mounts = {mount["mountPath"]: mount for mount in container["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in pod["volumes"]}

    def mount_of(path: str) -> dict[str, Any]:
        return next(mount for where, mount in mounts.items() if path.startswith(where + "/"))

    journal = mount_of(args.journal)
    assert not journal.get("readOnly") and "emptyDir" in volumes[journal["name"]]
    assert mount_of(args.file)["readOnly"] is True
    assert pod["restartPolicy"] == "OnFailure"  # a restarted container finds the journal in the pod's volume
