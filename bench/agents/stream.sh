#!/bin/sh
# The benchmark's chatty agent: streams BENCH_BYTES of stream-json lines (1 GiB by default) before
# its result, to show the orchestrator's memory stays flat while the log goes to disk.
line='{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"'"$(head -c 900 /dev/zero | tr '\0' 'x')"'"}]}}'
yes "$line" | head -c "${BENCH_BYTES:-1073741824}" | head -n -1
echo
printf '{"status":"blocked","reason":"bench stream done"}' > "$SAMOCODE_SESSION_DIR/_signal.json"
echo '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0,"usage":{"input_tokens":1,"output_tokens":1},"session_id":"bench"}'
