#!/bin/sh
# The benchmark's agent: returns at once. It marks when it started (ns) if asked, walks the phases
# (init → investigation, stays there for BENCH_STAY iterations, then asks questions), writes the
# signal and the stream-json result line the orchestrator reads.
[ -n "$BENCH_MARKS" ] && echo "start $(date +%s%N)" >> "$BENCH_MARKS"
dir="$SAMOCODE_SESSION_DIR"
case "$SAMOCODE_PHASE" in
  init) signal='{"status":"continue","phase":"investigation"}' ;;
  investigation)
    if [ "${SAMOCODE_PHASE_ITERATION:-1}" -lt "${BENCH_STAY:-1000000}" ]; then signal='{"status":"continue"}'
    else signal='{"status":"continue","phase":"requirements"}'; fi ;;
  requirements)
    if [ -n "$BENCH_ANSWERED" ] && grep -q 'Answer: A' "$dir/_qa.md" 2>/dev/null; then signal='{"status":"blocked","reason":"bench done"}'
    else printf '## Q1: Go?\n- A) yes\n- B) no\n\nAnswer:\n' > "$dir/_qa.md"; signal='{"status":"waiting","for":"qa_answers"}'; fi ;;
  *) signal='{"status":"continue"}' ;;
esac
# BENCH_TOUCH: a file (relative to the working directory) it changes, as an agent changes code.
[ -n "$BENCH_TOUCH" ] && echo "$$" >> "$BENCH_TOUCH"
[ -n "$BENCH_BLOCK" ] && signal='{"status":"blocked","reason":"bench stop"}'
printf '%s' "$signal" > "$dir/_signal.json"
echo '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0.001,"usage":{"input_tokens":10,"output_tokens":5},"session_id":"bench"}'
[ -n "$BENCH_MARKS" ] && echo "end $(date +%s%N)" >> "$BENCH_MARKS"
exit 0
