#!/usr/bin/env node
// Usage: NODE_PATH=<dir holding the stackvis npm package> node flamegraph.js "TITLE" < in.collapsed > out.svg
// Renders collapsed stacks (async-profiler's jfrconv -o collapsed) to a flame graph SVG with stackvis,
// as `stackvis collapsed flamegraph-svg` does, but with a title (docs/PERFORMANCE.md).
const stackvis = require('stackvis');
const bunyan = require('bunyan');

const log = new bunyan({ name: 'flamegraph', stream: process.stderr, level: 'warn' });
const reader = new stackvis.readerLookup('collapsed');
const writer = new stackvis.writerLookup('flamegraph-svg');
stackvis.pipeStacks(log, process.stdin, reader, writer, process.stdout,
  { title: process.argv[2] || 'Flame Graph' }, () => {});
process.stdin.resume();
