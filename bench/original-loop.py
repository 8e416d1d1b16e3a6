#!/usr/bin/env python3
"""A model of the original's per-iteration work, written from reading its source.

Files read (Yuvasee/samocode): main.py (d3513923), worker/runner.py (033b66c6),
worker/signals.py (68f7aacd), worker/signal_history.py (3b17144f).

The original is a Python loop that, per iteration: bumps "Total Iterations" in _overview.md
(read + write), reads the phase from _overview.md, logs, clears _signal.json (read + write "{}"),
reads _overview.md twice more and workflow.md to build the agent's context, spawns the agent CLI
with stdout/stderr piped and copies its stdout line by line into a JSONL log under _logs/
(select() with a 1 s timeout, poll()), reads _signal.json, appends a row to
_signal_history.jsonl, reads the whole history back to count the phase's iterations, and logs
again (a log file in the program's folder and session.log in the session). It runs no git
command: the agent commits its own work. There is no sleep between iterations (only before a
retry). This script does the same work with the same kinds of calls; it is not the original's
code and leaves out what costs nothing measurable (argument parsing, dataclasses).

Usage: original-loop.py <repo> <session-dir> <agent> <iterations>
The agent is run as the original runs Claude (the same flags), with SAMOCODE_SESSION_DIR set so
the benchmark's agent knows where to write its signal.
"""

import json
import logging
import os
import re
import select
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

repo = Path(sys.argv[1])
session = Path(sys.argv[2])
agent = sys.argv[3]
iterations = int(sys.argv[4])
program_dir = session.parent / "program"
program_dir.mkdir(parents=True, exist_ok=True)
workflow = program_dir / "workflow.md"
workflow.write_text("# Workflow\n\nRead _overview.md, do the next step, write _signal.json.\n" * 20)

logger = logging.getLogger("samocode-model")
logger.setLevel(logging.INFO)
fmt = logging.Formatter("%(asctime)s - %(levelname)s - %(message)s")
for handler in (
    logging.FileHandler(program_dir / f"samocode_{datetime.now():%Y%m%d_%H%M%S}.log"),
    logging.StreamHandler(sys.stdout),
):
    handler.setFormatter(fmt)
    logger.addHandler(handler)

# A session the init step has made: the overview the agent keeps.
session.mkdir(parents=True, exist_ok=True)
(session / "_overview.md").write_text(
    "# Session\n\n## Status\nPhase: investigation\nIteration: 1\nTotal Iterations: 0\n"
    "Last Action: init\n\n## Flow Log\n- init\n"
)


def overview() -> str | None:
    path = session / "_overview.md"
    return path.read_text() if path.exists() else None


def field(name: str, content: str | None) -> str | None:
    if content is None:
        return None
    match = re.search(rf"^{name}:\s*(.+)$", content, re.MULTILINE)
    return match.group(1).strip() if match else None


def bump_total() -> int:
    path = session / "_overview.md"
    content = path.read_text()
    match = re.search(r"^(Total Iterations:\s*)(\d+)$", content, re.MULTILINE)
    value = int(match.group(2)) + 1
    path.write_text(content[: match.start(2)] + str(value) + content[match.end(2) :])
    return value


def run_agent(phase: str, iteration: int) -> int:
    # Session structure check, new-session check, phase and iteration from the overview.
    (session / "_samocode").exists()
    (session / "_overview.md").exists()
    phase = field("Phase", overview()) or phase
    agent_iteration = int(field("Iteration", overview()) or 1)
    now = datetime.now()
    context = "\n".join(
        [
            workflow.read_text().strip(),
            "\n\n# Session Context",
            f"**Session path:** {session}",
            f"**Working directory:** {repo}",
            f"**Phase:** {phase}",
            f"**Iteration:** {agent_iteration}",
            "",
            "## Injected Timestamps",
            f"- `TIMESTAMP_FILE`: `{now:%m-%d-%H%M}`",
            f"- `TIMESTAMP_LOG`: `{now:%m-%d %H:%M}`",
            f"- `TIMESTAMP_ITERATION`: `{now:%m-%d %H:%M}` #{agent_iteration}",
            "",
            "## Worktree Configuration",
            f"- Base repo: `{repo}`",
            f"- Worktree path: `{repo}`",
            f"- Branch name: `{session.name}`",
        ]
    )
    args = [agent, "--dangerously-skip-permissions", "--model", "opus", "--max-turns", "100"]
    args += ["--verbose", "--output-format", "stream-json", "--agent", f"{phase}-agent"]
    args += ["--append-system-prompt", context, "-p", "Start"]
    log_file = session / "_logs" / f"{now:%m-%d-%H%M}-{agent_iteration:03d}-{phase}.jsonl"
    logger.info(f"Executing Claude CLI (attempt 1)... log: {log_file}")
    env = os.environ.copy()
    env["SAMOCODE_SESSION_DIR"] = str(session)
    process = subprocess.Popen(
        args,
        cwd=str(repo),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    log_file.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.time() + 1800
    with open(log_file, "w", encoding="utf-8") as out:
        while True:
            if time.time() > deadline:
                raise TimeoutError("agent")
            if process.poll() is not None:
                for line in process.stdout:
                    out.write(line)
                process.stderr.read()
                break
            ready, _, _ = select.select([process.stdout, process.stderr], [], [], 1.0)
            for stream in ready:
                line = stream.readline()
                if line and stream is process.stdout:
                    out.write(line)
                    out.flush()
    process.wait()
    logger.info("Claude CLI completed successfully")
    return process.returncode


session_log = None
for iteration in range(1, iterations + 1):
    total = bump_total()
    if session_log is None:
        session_log = logging.FileHandler(session / "session.log")
        session_log.setFormatter(fmt)
        logger.addHandler(session_log)
    phase = field("Phase", overview())
    logger.info("=" * 70)
    logger.info(f"Iteration {iteration} (total: {total}) [{phase}]")
    logger.info("=" * 70)
    signal_file = session / "_signal.json"
    session.mkdir(parents=True, exist_ok=True)
    if signal_file.exists():
        signal_file.read_text()
    signal_file.write_text("{}")
    logger.info("Cleared signal file")
    if run_agent(phase or "investigation", iteration) != 0:
        sys.exit("the agent failed")
    data = json.loads(signal_file.read_text()) if signal_file.exists() else {}
    status = (data.get("status") or "continue").lower()
    with open(session / "_signal_history.jsonl", "a", encoding="utf-8") as history:
        row = {
            "timestamp": datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
            "iteration": iteration,
            "phase": data.get("phase") or phase,
            "status": status,
            "summary": data.get("summary"),
            "reason": data.get("reason"),
            "needs": data.get("needs"),
            "for": data.get("for"),
        }
        history.write(json.dumps(row) + "\n")
    rows = [json.loads(line) for line in (session / "_signal_history.jsonl").read_text().splitlines()]
    spent = sum(1 for r in rows if (r.get("phase") or "").lower() == (phase or "").lower())
    if spent > 100_000:
        sys.exit("phase limit")
    logger.info(f"[{phase}] Signal: {status}")
    if status != "continue":
        sys.exit(f"the agent signalled {status}")
    logger.info("Continuing to next iteration...")
logger.info(f"Orchestrator finished. This run: {iterations} iterations")
