// Test and bench helper: a LibpcapSource in a process of its own, started inside a network namespace
// (`ip netns exec NS node --import tsx cap-child.ts OPTIONS_JSON`), since cap opens interfaces of the
// namespace it runs in. Driven by lines on stdin, answers one JSON line each on stdout:
//   read          start draining batches (next + recycle)       → {"reading":true}
//   freeze MS     stop the whole event loop for MS ms, so cap reads nothing (prints before) → {"frozen":MS}
//   stats         → {"stats":LiveSourceStats,"cpuMs":N}
//   close         close the source, last stats, exit 0
// On start: {"ready":true,"unavailable":"<why kernel counters cannot be read, or ''>"}.
import { createInterface } from 'node:readline';
import { LibpcapSource, type LibpcapOptions } from '../../engine/capture/libpcap.js';

const opts = JSON.parse(process.argv[2]) as LibpcapOptions;
const src = new LibpcapSource(opts);
let reading = false;
let closed = false;

function say(o: object): void {
  process.stdout.write(JSON.stringify(o) + '\n');
}

function stats(): object {
  const c = process.cpuUsage();
  return { stats: src.stats(), cpuMs: (c.user + c.system) / 1000 };
}

async function drain(): Promise<void> {
  while (!closed) {
    const b = await src.next(50);
    if (b === null) return;
    src.recycle(b);
  }
}

say({ ready: true, unavailable: src.kernelCountersUnavailable });
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'read') {
    if (!reading) { reading = true; void drain(); }
    say({ reading: true });
  } else if (cmd === 'freeze') {
    const ms = Number(arg);
    say({ frozen: ms });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  } else if (cmd === 'stats') {
    say(stats());
  } else if (cmd === 'close') {
    closed = true;
    await src.close();
    say(stats());
    process.exit(0);
  }
}
