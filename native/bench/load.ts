// Load measurement of the native AF_PACKET capture beside `tcpdump -w /dev/null` (issue 6 acceptance):
// trafgen pushes a fixed count of 64-byte frames over a veth between two fresh namespaces at a
// series of rates, then as fast as it can; each capturer runs alone on the receiving end.
// Reports per rate: the rate trafgen achieved, frames received by the socket, kernel drops, CPU.
// Usage (root): node --import tsx native/bench/load.ts [--count N] [--rates 100k,200k,...,max]
//   [--block-size B] [--block-count N] [--tcpdump-B KiB] [--gen-cpus N]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAfPacket } from '../../engine/capture/afpacket.js';
import { exited, makeVethPair, waitFor, type VethPair } from '../../test/native/netns.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const COUNT = Number(arg('--count', '500000'));
const RATES = arg('--rates', '100k,200k,400k,700k,1000k,max').split(',');
const BLOCK_COUNT = Number(arg('--block-count', '64'));
const GEN_CPUS = arg('--gen-cpus', '1');
const BLOCK_SIZE = Number(arg('--block-size', String(128 << 10)));
// libpcap sizes tcpdump's TPACKET_V3 ring from -B (KiB) in frames of snaplen + headers (~66 KiB at
// -s 65535), one per 128 KiB block: -B 4096 gives 63 blocks of 128 KiB, the geometry of our default here.
const TCPDUMP_B = arg('--tcpdump-B', '4096');

interface Run {
  capturer: string;
  rate: string;
  sentPps: number;
  received: number;
  drops: number;
  cpuMs: number;
}

/** 64-byte IPv4/UDP frame to a MAC that is not A's: A's stack drops it at once (no ICMP back). */
function trafgenConf(p: VethPair): string {
  const hex = (mac: string): string => mac.split(':').map((b) => `0x${b}`).join(', ');
  const file = join(tmpdir(), `kwire-trafgen-${process.pid}.cfg`);
  writeFileSync(file, `{ ${hex('02:6b:77:00:00:99')}, ${hex(p.macB)}, 0x08, 0x00,
  0x45, 0x00, 0x00, 0x32, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
  0xc6, 0x12, 0x00, 0x02, 0xc6, 0x12, 0x00, 0x09,
  0x4e, 0x20, 0x27, 0x0f, 0x00, 0x1e, 0x00, 0x00,
  fill(0x00, 22) }\n`);
  return file;
}

/** Runs trafgen in B; resolves with the packet rate it achieved. */
async function send(p: VethPair, conf: string, rate: string): Promise<number> {
  const args = ['trafgen', '--dev', p.ifB, '--conf', conf, '--num', String(COUNT), '--cpus', GEN_CPUS, '-C', '-Q'];
  if (rate !== 'max') args.push('--rate', `${rate.replace(/k$/, '000')}pps`);
  const t0 = process.hrtime.bigint();
  const c = spawn('ip', ['netns', 'exec', p.nsB, ...args], { stdio: 'ignore' });
  await exited(c);
  return COUNT / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function runNative(p: VethPair, conf: string, rate: string): Promise<Run> {
  const src = openAfPacket({ ifaces: [p.ifA], bpf: '', promiscuous: false, netns: p.nsPathA, blockSize: BLOCK_SIZE, blockCount: BLOCK_COUNT });
  let stop = false;
  const cpu0 = process.cpuUsage();
  const reading = (async () => {
    let idle = 0;
    for (;;) {
      const b = await src.next(50);
      if (b === null) return;
      idle = b.count === 0 && stop ? idle + 1 : 0;
      src.recycle(b);
      if (idle >= 4) return;
    }
  })();
  const sentPps = await send(p, conf, rate);
  stop = true;
  await reading;
  const cpu = process.cpuUsage(cpu0);
  const s = src.stats();
  await src.close();
  return { capturer: 'kwire native', rate, sentPps, received: s.packets, drops: s.kernelDrops, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function runTcpdump(p: VethPair, conf: string, rate: string): Promise<Run> {
  const c = spawn('ip', ['netns', 'exec', p.nsA, 'tcpdump', '-i', p.ifA, '-n', '-s', '65535', '-B', TCPDUMP_B, '-w', '/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  c.stderr!.on('data', (d) => { err += d; });
  await waitFor(c, /listening on/);
  const sentPps = await send(p, conf, rate);
  await new Promise((r) => setTimeout(r, 1200)); // tcpdump's 1 s buffer timeout
  const stat = readFileSync(`/proc/${c.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const cpuMs = (Number(stat[11]) + Number(stat[12])) * 10; // utime + stime, in 10 ms ticks
  c.kill('SIGINT');
  await exited(c);
  const num = (re: RegExp): number => Number(re.exec(err)?.[1] ?? NaN);
  return { capturer: 'tcpdump -w /dev/null', rate, sentPps, received: num(/(\d+) packets captured/), drops: num(/(\d+) packets dropped by kernel/), cpuMs };
}

const p = makeVethPair();
const runs: Run[] = [];
try {
  const conf = trafgenConf(p);
  for (const rate of RATES) {
    for (const run of [runNative, runTcpdump]) {
      const r = await run(p, conf, rate);
      runs.push(r);
      console.error(`${r.capturer.padEnd(22)} ${rate.padStart(6)}: sent ${(r.sentPps / 1e3).toFixed(0)} kpps, received ${r.received}, dropped ${r.drops} (${(100 * r.drops / COUNT).toFixed(1)}%), cpu ${r.cpuMs.toFixed(0)} ms`);
    }
  }
} finally {
  p.close();
}
console.log(`| capturer | target rate | trafgen achieved | received of ${COUNT} | kernel drops | CPU ms |`);
console.log('|---|---|---|---|---|---|');
for (const r of runs) {
  console.log(`| ${r.capturer} | ${r.rate} pps | ${(r.sentPps / 1e3).toFixed(0)} kpps | ${r.received} | ${r.drops} (${(100 * r.drops / COUNT).toFixed(1)}%) | ${r.cpuMs.toFixed(0)} |`);
}
for (const name of ['kwire native', 'tcpdump -w /dev/null']) {
  const clean = runs.filter((r) => r.capturer === name && r.drops === 0).sort((a, b) => b.sentPps - a.sentPps)[0];
  console.log(`${name}: highest rate with zero drops ${clean ? `${(clean.sentPps / 1e3).toFixed(0)} kpps` : 'none'}`);
}
