"""Record the matcher's decisions on every evaluation set, or check them against a record.

A speed-up of the matcher must not change a single decision. This script pipes every question
set through ``python -m bot ask`` (JSON: kind, text, suggestions) and ``ask --explain`` (entry
ids and scores), conversations with ``--conversations`` as ``../shared/eval/score.py`` sends
them, and scores the JSON with score.py. ``check`` reruns all of it and prints the differences.

    .venv/bin/python benchmarks/golden_decisions.py record /tmp/golden
    .venv/bin/python benchmarks/golden_decisions.py check /tmp/golden
"""

from __future__ import annotations

import argparse
import difflib
import io
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.cli.ask import run_ask  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
SCORE = EVAL / "score.py"


def question_sets() -> list[Path]:
    return [
        EVAL / "dev.yaml",
        EVAL / "dev2.yaml",
        EVAL / "dev_multi.yaml",
        *sorted(p for p in (ROOT / "tests" / "data").glob("blind_*.yaml") if "conv" not in p.name),
    ]


def conversation_sets() -> list[Path]:
    blind = sorted((ROOT / "tests" / "data").glob("blind_conv_*.yaml"))
    return [EVAL / "dev_conversations.yaml", *blind]


def stdin_for(path: Path, conversations: bool) -> str:
    """The lines score.py sends for this set (the same protocol, byte for byte)."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if conversations:
        return "\n".join(
            "".join(t["q"].replace("\n", " ") + "\n" for t in c["turns"]) for c in items
        )
    return "".join(q["q"].replace("\n", " ") + "\n" for q in items)


def ask(stdin: str, *, explain: bool, conversations: bool) -> str:
    out = io.StringIO()
    run_ask(None, io.StringIO(stdin), out, explain=explain, conversations=conversations)
    return out.getvalue()


def score(path: Path, json_file: Path, conversations: bool) -> str:
    """score.py's figures for the recorded JSON (``cat`` stands in for the deterministic ask)."""
    flag = "--conversations" if conversations else "--questions"
    proc = subprocess.run(
        [sys.executable, str(SCORE), flag, str(path), "--", "cat", str(json_file)],
        capture_output=True, text=True, check=False,
    )
    # The elapsed time is the only figure that may differ between runs.
    return re.sub(r" in \d+\.\d+s;", ";", proc.stdout)


def produce(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(p, False) for p in question_sets()] + [(p, True) for p in conversation_sets()]
    for path, conversations in jobs:
        stdin = stdin_for(path, conversations)
        stem = path.stem
        json_file = out_dir / f"{stem}.jsonl"
        json_file.write_text(ask(stdin, explain=False, conversations=conversations), "utf-8")
        (out_dir / f"{stem}.explain.txt").write_text(
            ask(stdin, explain=True, conversations=conversations), "utf-8"
        )
        (out_dir / f"{stem}.score.txt").write_text(score(path, json_file, conversations), "utf-8")


def compare(reference: Path, fresh: Path) -> int:
    differences = 0
    for ref_file in sorted(reference.iterdir()):
        new_file = fresh / ref_file.name
        old = ref_file.read_text("utf-8").splitlines()
        new = new_file.read_text("utf-8").splitlines() if new_file.exists() else []
        diff = list(difflib.unified_diff(old, new, str(ref_file), str(new_file), lineterm="", n=1))
        if diff:
            differences += 1
            print("\n".join(diff[:60]))
    summary = "".join(
        f"{f.stem.removesuffix('.score')}: {f.read_text('utf-8').strip().splitlines()[-1]}\n"
        for f in sorted(fresh.glob("*.score.txt"))
    )
    print(summary, end="")
    print("decisions identical" if not differences else f"{differences} files differ")
    return 1 if differences else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("record", "check"))
    parser.add_argument("directory", type=Path)
    args = parser.parse_args()
    if args.mode == "record":
        produce(args.directory)
        print(f"recorded in {args.directory}")
        return 0
    fresh = args.directory.with_name(args.directory.name + ".new")
    produce(fresh)
    return compare(args.directory, fresh)


if __name__ == "__main__":
    sys.exit(main())
