#!/usr/bin/env bash
# Usage: [PARTS="1 16 256 1024 4096"] [IDLE=60] [LOAD=60] control/scripts/scale-sweep.sh  (writes target/scale-sweep.md; docs/BENCH.md section 5)
# Uses its own cluster directory /var/tmp/chronik-scale and the cluster ports 9092-9094, 9192-9194.
# Scale sweep: for each partition count, a fresh 3-node cluster (RF 3).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mkdir -p target
DIR=/var/tmp/chronik-scale
OUT=${OUT:-target/scale-sweep.md}
IDLE=${IDLE:-60}; LOAD=${LOAD:-60}
terms() { local s=0; for n in 0 1 2; do v=$(grep -o "termChanges=[0-9]*" $DIR/node-$n/broker.log | tail -1 | cut -d= -f2); s=$((s + ${v:-0})); done; echo $s; }
stats() { for n in 0 1 2; do p=$(grep "node.$n.pid" $DIR/cluster.state | cut -d= -f2); h=$(jstat -gc $p | tail -1 | awk '{printf "%.0f", ($3+$4+$6+$8)/1024}'); echo -n "n$n heap=${h}MB rss=$(( $(ps -o rss= -p $p) / 1024 ))MB thr=$(ps -o nlwp= -p $p | tr -d ' ') fds=$(ls /proc/$p/fd | wc -l); "; done; }
echo "| partitions | leaders after create ms | spread | elections idle ${IDLE}s | sat rec/s | sat p99 ms | elections sat | 80% rec/s | 80% p99 ms | elections 80% ${LOAD}s | restart→all led ms | per node |" > $OUT
echo "|---|---|---|---|---|---|---|---|---|---|---|---|" >> $OUT
for P in ${PARTS:-1 16 256 1024 4096}; do
  ./chronik cluster stop --dir $DIR >/dev/null 2>&1
  ./chronik cluster start --nodes 3 --fresh --dir $DIR --set metrics.log.interval.ms=2000 >/dev/null 2>&1 || { echo "start failed P=$P"; continue; }
  ./chronik bench --bootstrap 127.0.0.1:9092 --mode leaders --topic s$P --create-topic --partitions $P --replication-factor 3 --out target/sw-lead-$P.json > target/sw-lead-$P.txt 2>&1
  lead=$(python3 -c "import json;d=json.load(open('target/sw-lead-$P.json'))['leaders'];print(d['millis'],'%.1f%%'%(d['spread']*100))")
  sleep 10; t0=$(terms); sleep $IDLE; sleep 3; t1=$(terms)
  ./chronik bench --bootstrap 127.0.0.1:9092 --topic s$P --duration 20 --warmup 5 --producers 2 --out target/sw-sat-$P.json > target/sw-sat-$P.txt 2>&1
  sleep 3; t2=$(terms)
  sat=$(python3 -c "import json;d=json.load(open('target/sw-sat-$P.json'))['produce'];print(int(d['recordsPerSecond']), d['latencyMs']['p99'])")
  rate=$(python3 -c "import json;d=json.load(open('target/sw-sat-$P.json'))['produce'];print(int(d['recordsPerSecond']*0.8))")
  ./chronik bench --bootstrap 127.0.0.1:9092 --topic s$P --duration $LOAD --rate $rate --producers 2 --out target/sw-80-$P.json > target/sw-80-$P.txt 2>&1
  sleep 3; t3=$(terms)
  r80=$(python3 -c "import json;d=json.load(open('target/sw-80-$P.json'))['produce'];print(int(d['recordsPerSecond']), d['latencyMs']['p99'], d['errors'])")
  st=$(stats)
  ./chronik cluster stop --dir $DIR >/dev/null 2>&1
  s0=$(date +%s%N)
  ./chronik cluster start --nodes 3 --dir $DIR --set metrics.log.interval.ms=2000 >/dev/null 2>&1
  ./chronik bench --bootstrap 127.0.0.1:9092 --mode leaders --topic s$P --out target/sw-restart-$P.json > target/sw-restart-$P.txt 2>&1
  s1=$(date +%s%N)
  rs=$(( (s1 - s0) / 1000000 ))
  rsl=$(python3 -c "import json;d=json.load(open('target/sw-restart-$P.json'))['leaders'];print(d['complete'])")
  # the next row's fresh start replaces the logs: keep this row's (termChanges vs leaderTransfers, openMs)
  mkdir -p target/sw-logs-$P && for n in 0 1 2; do cp $DIR/node-$n/broker.log target/sw-logs-$P/node-$n.log 2>/dev/null; done
  echo "| $P | ${lead% *} | ${lead#* } | $((t1-t0)) | ${sat% *} | ${sat#* } | $((t2-t1)) | $(echo $r80 | cut -d' ' -f1) | $(echo $r80 | cut -d' ' -f2) (errors $(echo $r80 | cut -d' ' -f3)) | $((t3-t2)) | $rs ($rsl) | $st |" >> $OUT
  tail -1 $OUT
done
./chronik cluster stop --dir $DIR >/dev/null 2>&1
