#!/usr/bin/env python3
"""The least a loop in Python can spend per iteration: it only starts the agent, as the original
starts it (output piped, read to its end), and waits for it. No session state, no log, no commit.

Usage: bare-loop.py <session-dir> <agent> <iterations>
"""

import os
import subprocess
import sys

session, agent, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(session, exist_ok=True)
env = dict(os.environ, SAMOCODE_SESSION_DIR=session, SAMOCODE_PHASE="investigation")
for iteration in range(1, iterations + 1):
    print(f"iteration {iteration}", flush=True)
    done = subprocess.run([agent, "-p", "Start"], env=env, capture_output=True)
    if done.returncode != 0:
        sys.exit(f"the agent exited {done.returncode}")
