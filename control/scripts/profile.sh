#!/usr/bin/env bash
# Usage: [MODE=cpu-alloc|wall] [NODES="0 1 2"] [PARTS=16] [DURATION=60] [WARMUP=5] [PRODUCERS=2]
#        [DELAY=WARMUP+2] [RATE=0] [SETS="k=v ..." (broker settings)] [DIR=/var/tmp/chronik-profile] [BASE=28092] [RAFT_BASE=28192] [OUT=target/profile]
#        control/scripts/profile.sh                                  (docs/PERFORMANCE.md)
# One acks=all 100 B run (saturating, or at RATE rec/s) on a fresh 3-node RF 3 cluster, profiled with async-profiler
# (loaded into the running brokers with `jcmd <pid> JVMTI.agent_load`, JFR output; the options are quoted
# because jcmd would otherwise parse their "=" as its own key=value syntax), then converted to
# collapsed stacks per thread (jfrconv) and rendered to flame graph SVGs (control/scripts/flamegraph.js,
# over the stackvis npm package).
#   MODE=cpu-alloc: itimer CPU samples (10 ms) + allocation samples (every 512 KiB) on NODES
#   MODE=wall:      wall-clock samples (20 ms per thread, every thread) on NODES
# Needs: AP_JAR (tools.profiler:async-profiler jar), JFRCONV (tools.profiler:jfr-converter jar),
# NODE_MODULES (a node_modules holding stackvis: `npm install --prefix DIR stackvis@0.5.0`).
# Stops only the cluster it started (by its --dir).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
MODE=${MODE:-cpu-alloc}; NODES=${NODES:-0}; PARTS=${PARTS:-16}; RATE=${RATE:-0}  # 0: saturating
DURATION=${DURATION:-60}; WARMUP=${WARMUP:-5}; PRODUCERS=${PRODUCERS:-2}
DELAY=${DELAY:-$((WARMUP + 2))}  # seconds of load before the profile starts (JIT warm-up)
DIR=${DIR:-/var/tmp/chronik-profile}; BASE=${BASE:-28092}; RAFT_BASE=${RAFT_BASE:-28192}  # below the ephemeral range (32768+)
OUT=${OUT:-target/profile}/$MODE
M2=${M2:-$HOME/.m2/repository}
AP_JAR=${AP_JAR:-$M2/tools/profiler/async-profiler/4.2/async-profiler-4.2.jar}
JFRCONV=${JFRCONV:-$M2/tools/profiler/jfr-converter/4.2/jfr-converter-4.2.jar}
NODE_MODULES=${NODE_MODULES:-node_modules}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
unzip -o -q -j "$AP_JAR" linux-x64/libasyncProfiler.so -d "$OUT" || { echo "no async-profiler jar at $AP_JAR"; exit 2; }
LIB=$OUT/libasyncProfiler.so
BOOT=127.0.0.1:$BASE

case $MODE in
  cpu-alloc) EVENTS="event=itimer,interval=10ms,alloc=512k" ;;
  wall)      EVENTS="event=wall,interval=20ms" ;;
  *) echo "MODE=cpu-alloc|wall"; exit 2 ;;
esac

BENCH=
cleanup() { [ -n "$BENCH" ] && kill "$BENCH" 2>/dev/null; ./chronik cluster stop --dir "$DIR" >/dev/null 2>&1; }
trap cleanup EXIT
SET_ARGS=(); for kv in ${SETS:-}; do SET_ARGS+=(--set "$kv"); done
./chronik cluster start --nodes 3 --fresh --dir "$DIR" --base-port "$BASE" --raft-base-port "$RAFT_BASE" "${SET_ARGS[@]}" \
  --java-opts "-Xmx1g -XX:+UseParallelGC -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints" \
  > "$OUT/cluster.txt" 2>&1 || { cat "$OUT/cluster.txt"; exit 1; }
./chronik bench --bootstrap "$BOOT" --mode leaders --topic bench --create-topic --partitions "$PARTS" \
  --replication-factor 3 --out "$OUT/leaders.json" > "$OUT/leaders.txt" 2>&1
pid() { grep "^node.$1.pid=" "$DIR/cluster.state" | cut -d= -f2; }

./chronik bench --bootstrap "$BOOT" --topic bench --duration "$DURATION" --warmup "$WARMUP" \
  --producers "$PRODUCERS" --acks all --record-size 100 --rate "$RATE" --out "$OUT/bench.json" > "$OUT/bench.txt" 2>&1 &
BENCH=$!
# profile from DELAY seconds into the load to 3 s before its end; per-thread CPU ticks from /proc at
# both ends (the kernel's own count, to check the sampled shares against)
# "tid utime stime run-ns runqueue-wait-ns timeslices comm": schedstat's wait is the time a runnable thread
# waited for a CPU; timeslices counts how often it got one (about once per wake-up)
threads() { for t in /proc/$1/task/*; do
  echo "${t##*/} $(sed 's/.*) //' $t/stat | cut -d' ' -f12,13) $(cut -d' ' -f1-3 $t/schedstat) $(cat $t/comm)"; done; }
sleep "$DELAY"
for n in $NODES; do threads "$(pid $n)" > "$OUT/ticks-start-$n.txt"; done
threads $BENCH > "$OUT/ticks-start-bench.txt"
cat /proc/loadavg > "$OUT/loadavg.txt"
for n in $NODES; do jcmd "$(pid $n)" JVMTI.agent_load "$LIB" "\"start,$EVENTS,jfr,file=$OUT/node-$n.jfr\"" > "$OUT/agent-$n.txt" 2>&1; done
WINDOW=$((DURATION - DELAY - 3)); echo "$WINDOW" > "$OUT/window-seconds"
sleep "$WINDOW"
for n in $NODES; do threads "$(pid $n)" > "$OUT/ticks-end-$n.txt"; done
threads $BENCH > "$OUT/ticks-end-bench.txt"
for n in $NODES; do jcmd "$(pid $n)" JVMTI.agent_load "$LIB" "\"stop\"" >> "$OUT/agent-$n.txt" 2>&1; done
cat /proc/loadavg >> "$OUT/loadavg.txt"; top -bn1 | head -20 > "$OUT/top.txt"
for n in $NODES; do jstack "$(pid $n)" > "$OUT/jstack-$n.txt" 2>&1; done
wait $BENCH
BENCH=
cleanup
trap - EXIT

for n in $NODES; do
  f=$OUT/node-$n.jfr
  [ -s "$f" ] || { echo "no profile from node $n: $(cat "$OUT/agent-$n.txt")"; continue; }
  if [ "$MODE" = cpu-alloc ]; then
    java -jar "$JFRCONV" --cpu -t --simple -o collapsed "$f" "$OUT/cpu-threads-$n.collapsed"
    java -jar "$JFRCONV" --cpu --simple -o collapsed "$f" "$OUT/cpu-$n.collapsed"
    java -jar "$JFRCONV" --alloc --total -t --simple -o collapsed "$f" "$OUT/alloc-threads-$n.collapsed"
    java -jar "$JFRCONV" --alloc --total --simple -o collapsed "$f" "$OUT/alloc-$n.collapsed"
  else
    java -jar "$JFRCONV" --wall -t --simple -o collapsed "$f" "$OUT/wall-threads-$n.collapsed"
    grep '^\[chronik-raft-driver' "$OUT/wall-threads-$n.collapsed" > "$OUT/wall-driver-threads-$n.collapsed"
  fi
done
# frame-type suffixes (_[j] compiled, _[i] inlined, _[0] interpreted, _[k] kernel) only clutter the graphs
for c in "$OUT"/*.collapsed; do sed -i 's/_\[[0-9a-z]\]//g' "$c"; done
for c in "$OUT"/*.collapsed; do
  svg=${c%.collapsed}.svg; case $c in *-threads-*) svg=${svg/-threads/};; *) continue;; esac
  NODE_PATH=$NODE_MODULES node control/scripts/flamegraph.js \
    "$(basename "$svg" .svg) rate=$RATE (0: saturating) parts=$PARTS window=${WINDOW}s" < "$c" > "$svg"
done
tail -4 "$OUT/bench.txt"
ls -la "$OUT"
