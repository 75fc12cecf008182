// Load measurement of the capture backends (issue 6 acceptance): kwire native (AF_PACKET ring),
// kwire libpcap (cap) and `tcpdump -w /dev/null`, each alone on the receiving end of a veth between
// two fresh namespaces while trafgen pushes a fixed count of 64-byte frames at a series of rates,
// then as fast as it can. Capturers alternate within each rate, for several rounds.
// Reports per run: the rate trafgen achieved, frames received, drops (kernel + kwire's batch drops),
// CPU; then per capturer the highest rate with zero drops in every round and the drops at overload.
// Usage (root): node --import tsx native/bench/load.ts [--count N] [--rates 50k,100k,...,max]
//   [--rounds N] [--capturers native,libpcap,tcpdump] [--buffer-mib M] [--gen-cpus N] [--gen-procs N]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAfPacket } from '../../engine/capture/afpacket.js';
import { CapProcess } from '../../test/native/cap-process.js';
import { exited, makeVethPair, waitFor, type VethPair } from '../../test/native/netns.js';
import { ipv4UdpHex, macHex } from '../../test/native/traffic.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const COUNT = Number(arg('--count', '200000'));
const RATES = arg('--rates', '25k,50k,100k,200k,300k,max').split(',');
const ROUNDS = Number(arg('--rounds', '2'));
const CAPTURERS = arg('--capturers', 'native,libpcap,tcpdump').split(',');
const GEN_CPUS = arg('--gen-cpus', '1');
const GEN_PROCS = Number(arg('--gen-procs', '1'));
// trafgen --rate sends in bursts (at 2 kpps, bursts large enough to overflow a ring of ~1000 frames);
// 'paced' is a python3 loop that sends each frame at its own time (sendto per frame, up to ~100 kpps here).
const GEN = arg('--gen', 'trafgen');
// The same kernel memory for every capturer, kwire live's defaults: native 32 × 1 MiB blocks,
// libpcap (cap) a 32 MiB buffer, tcpdump -B 32768 (KiB). How many 64-byte frames each holds differs:
// the TPACKET_V3 rings (ours, tcpdump's) pack frames into blocks; cap asks libpcap for immediate
// mode, which takes TPACKET_V2 with one snaplen-sized (65535 + headers) slot per frame on a veth
// with offloads on: about 500 frames in 32 MiB.
const BUFFER_MIB = Number(arg('--buffer-mib', '32'));
const BLOCK_SIZE = Number(arg('--block-size', String(1 << 20)));

interface Run {
  capturer: string;
  rate: string;
  round: number;
  sentPps: number;
  received: number;
  drops: number;
  /** Of `drops`, those kwire itself counted (no free batch), not the kernel. */
  batchDrops: number;
  cpuMs: number;
}

const NAMES: Record<string, string> = { native: 'kwire native', libpcap: 'kwire libpcap (cap)', tcpdump: 'tcpdump -w /dev/null', none: 'no capturer' };

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

/** python3 in B: `count` frames, frame i sent at t0 + i / pps (as fast as it can for 'max'). */
function pacedSender(p: VethPair, count: number, rate: string): string[] {
  const pps = rate === 'max' ? 0 : Number(rate.replace(/k$/, '000'));
  return ['python3', '-c', [
    'import socket, time',
    's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)',
    `s.bind((${JSON.stringify(p.ifB)}, 0))`,
    `f = bytes.fromhex("026b77000099${macHex(p.macB)}0800${ipv4UdpHex(20000, 9999, 22)}")`,
    't = time.monotonic()',
    `for i in range(${count}):`,
    '    s.send(f)',
    pps > 0 ? `    d = t + (i + 1) / ${pps} - time.monotonic()
    if d > 0: time.sleep(d)` : '    pass',
  ].join('\n')];
}

/** Runs the generator (GEN_PROCS processes sharing COUNT and the rate) in B; resolves with the packet rate achieved. */
async function send(p: VethPair, conf: string, rate: string): Promise<number> {
  const per = Math.floor(COUNT / GEN_PROCS);
  const t0 = process.hrtime.bigint();
  if (GEN === 'paced') {
    await exited(spawn('ip', ['netns', 'exec', p.nsB, ...pacedSender(p, COUNT, rate)], { stdio: 'ignore' }));
    return COUNT / (Number(process.hrtime.bigint() - t0) / 1e9);
  }
  await Promise.all(Array.from({ length: GEN_PROCS }, (_, i) => {
    const n = i === 0 ? COUNT - per * (GEN_PROCS - 1) : per;
    const args = ['trafgen', '--dev', p.ifB, '--conf', conf, '--num', String(n), '--cpus', GEN_CPUS, '-C', '-Q'];
    if (rate !== 'max') args.push('--rate', `${Math.round(Number(rate.replace(/k$/, '000')) / GEN_PROCS)}pps`);
    return exited(spawn('ip', ['netns', 'exec', p.nsB, ...args], { stdio: 'ignore' }));
  }));
  return COUNT / (Number(process.hrtime.bigint() - t0) / 1e9);
}

type Capture = (p: VethPair, conf: string, rate: string) => Promise<Omit<Run, 'capturer' | 'rate' | 'round'>>;

const runNone: Capture = async (p, conf, rate) => ({ sentPps: await send(p, conf, rate), received: 0, drops: 0, batchDrops: 0, cpuMs: 0 });

const runNative: Capture = async (p, conf, rate) => {
  const src = openAfPacket({ ifaces: [p.ifA], bpf: '', promiscuous: false, netns: p.nsPathA, blockSize: BLOCK_SIZE, blockCount: (BUFFER_MIB << 20) / BLOCK_SIZE });
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
  return { sentPps, received: s.packets, drops: s.kernelDrops + s.batchDrops, batchDrops: s.batchDrops, cpuMs: (cpu.user + cpu.system) / 1000 };
};

const runCap: Capture = async (p, conf, rate) => {
  const c = new CapProcess(p.nsA, { ifaces: [p.ifA], bpf: '', promiscuous: true, bufferSize: BUFFER_MIB << 20 });
  try {
    const hello = await c.reply();
    if (hello.unavailable !== '') throw new Error(`libpcap kernel counters unavailable: ${hello.unavailable}`);
    await c.send('read');
    const cpu0 = (await c.send('stats')).cpuMs!;
    const sentPps = await send(p, conf, rate);
    let last = -1;
    for (;;) { // drained when two reads 100 ms apart agree
      const s = (await c.send('stats')).stats!;
      const seen = s.packets + s.kernelDrops + s.batchDrops;
      if (seen === last) break;
      last = seen;
      await new Promise((r) => setTimeout(r, 100));
    }
    const end = await c.send('close');
    const s = end.stats!;
    return { sentPps, received: s.packets, drops: s.kernelDrops + s.batchDrops, batchDrops: s.batchDrops, cpuMs: end.cpuMs! - cpu0 };
  } finally {
    c.kill();
  }
};

const runTcpdump: Capture = async (p, conf, rate) => {
  const c = spawn('ip', ['netns', 'exec', p.nsA, 'tcpdump', '-i', p.ifA, '-n', '-s', '65535', '-B', String(BUFFER_MIB * 1024), '-w', '/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] });
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
  return { sentPps, received: num(/(\d+) packets captured/), drops: num(/(\d+) packets dropped by kernel/), batchDrops: 0, cpuMs };
};

const RUNNERS: Record<string, Capture> = { none: runNone, native: runNative, libpcap: runCap, tcpdump: runTcpdump };
const pct = (r: Run): string => `${(100 * r.drops / COUNT).toFixed(1)}%`;

const p = makeVethPair();
const runs: Run[] = [];
try {
  const conf = trafgenConf(p);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const rate of RATES) {
      const order = round % 2 === 1 ? CAPTURERS : [...CAPTURERS].reverse();
      for (const name of order) {
        const r: Run = { capturer: NAMES[name], rate, round, ...(await RUNNERS[name](p, conf, rate)) };
        runs.push(r);
        console.error(`round ${round} ${r.capturer.padEnd(22)} ${rate.padStart(5)}: sent ${(r.sentPps / 1e3).toFixed(0)} kpps, received ${r.received}, dropped ${r.drops} (${pct(r)}, ${r.batchDrops} by kwire), cpu ${r.cpuMs.toFixed(0)} ms`);
      }
    }
  }
} finally {
  p.close();
}
console.log(`| capturer | target rate | round | generator achieved | received of ${COUNT} | drops (of them kwire's batch drops) | CPU ms |`);
console.log('|---|---|---|---|---|---|---|');
for (const r of runs) {
  console.log(`| ${r.capturer} | ${r.rate} pps | ${r.round} | ${(r.sentPps / 1e3).toFixed(0)} kpps | ${r.received} | ${r.drops} (${pct(r)}; ${r.batchDrops}) | ${r.cpuMs.toFixed(0)} |`);
}
console.log('\n| capturer | highest rate with zero drops in every round | drops at max rate (achieved rate) |\n|---|---|---|');
for (const name of CAPTURERS.filter((c) => c !== 'none').map((c) => NAMES[c])) {
  const mine = runs.filter((r) => r.capturer === name);
  let best = 0;
  for (const rate of RATES) {
    const at = mine.filter((r) => r.rate === rate);
    if (at.length > 0 && at.every((r) => r.drops === 0 && r.received === COUNT)) best = Math.max(best, Math.min(...at.map((r) => r.sentPps)));
  }
  const atMax = mine.filter((r) => r.rate === 'max').map((r) => `${pct(r)} (${(r.sentPps / 1e3).toFixed(0)} kpps)`).join(', ');
  console.log(`| ${name} | ${best > 0 ? `${(best / 1e3).toFixed(0)} kpps` : 'none'} | ${atMax || '-'} |`);
}
