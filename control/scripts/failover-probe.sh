#!/usr/bin/env bash
# Usage: [RATE=40000] [TRIES=3] [SET="--set raft.peer.lease=false"] control/scripts/failover-probe.sh  (docs/BENCH.md section 5)
# failover at 1,024 partitions under load: kill -9 of node 1 (leads a third), time until every partition is led by a
# live node, as a connected AdminClient sees it
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mkdir -p target
DIR=/var/tmp/chronik-scale
RATE=${RATE:-20000}
for try in $(seq 1 ${TRIES:-3}); do
  ./chronik cluster stop --dir $DIR >/dev/null 2>&1
  ./chronik cluster start --nodes 3 --fresh --dir $DIR --set metrics.log.interval.ms=${METRICS_MS:-2000} ${SET:-} >/dev/null 2>&1
  ./chronik bench --bootstrap 127.0.0.1:9092 --mode leaders --topic f --create-topic --partitions 1024 --replication-factor 3 > /dev/null 2>&1
  sleep 5
  ./chronik bench --bootstrap 127.0.0.1:9092 --topic f --duration 40 --rate $RATE --producers 2 --out target/fo-load-$try.json > target/fo-load-$try.txt 2>&1 &
  LOAD=$!
  sleep 15
  pid=$(grep "node.1.pid" $DIR/cluster.state | cut -d= -f2)
  # the watcher connects first, then kills node 1 itself and times from that instant (no JVM start-up in the figure)
  ./chronik bench --bootstrap 127.0.0.1:9092,127.0.0.1:9094 --mode leaders --topic f --dead-broker 1 --kill-pid $pid --out target/fo-lead-$try.json > target/fo-lead-$try.txt 2>&1
  wait $LOAD
  python3 - $try <<'PY'
import json,sys
t=sys.argv[1]
l=json.load(open(f'target/fo-lead-{t}.json'))['leaders']; p=json.load(open(f'target/fo-load-{t}.json'))['produce']
print(f"try={t} all-led-after-kill-ms={l['millis']} complete={l['complete']} perBroker={l['leadersPerBroker']} load rec/s={int(p['recordsPerSecond'])} p99={p['latencyMs']['p99']} max={p['latencyMs']['max']} errors={p['errors']}")
PY
done
./chronik cluster stop --dir $DIR >/dev/null 2>&1
