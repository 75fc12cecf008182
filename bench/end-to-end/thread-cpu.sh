#!/bin/bash
# CPU time of each thread of a command, from /proc/PID/task/TID/stat sampled every 50 ms until it
# exits (a thread that ends between samples loses its last 50 ms). Threads in creation order:
# the main thread first, then V8's platform threads (TurboFan, concurrent GC), libuv's pool and
# worker threads as they start.
# Usage: bench/end-to-end/thread-cpu.sh node dist/engine/cli/main.js inspect FILE --workers 2 ...
"$@" &
pid=$!
declare -A cpu
while kill -0 "$pid" 2>/dev/null; do
  for f in /proc/"$pid"/task/*/stat; do
    read -r line < "$f" 2>/dev/null || continue
    tid=${line%% *}
    rest=${line#*) }
    set -- $rest
    cpu[$tid]=$(( ${12} + ${13} ))
  done
  sleep 0.05
done
wait "$pid"
status=$?
hz=$(getconf CLK_TCK)
total=0
for tid in $(printf '%s\n' "${!cpu[@]}" | sort -n); do
  t=${cpu[$tid]}
  total=$((total + t))
  [ "$t" -gt 0 ] && printf 'thread %-8s %6.2f s\n' "$tid" "$(echo "$t / $hz" | bc -l)"
done
printf 'total           %6.2f s\n' "$(echo "$total / $hz" | bc -l)"
exit $status
