// libpcap backend via cap, on the loopback interface with a BPF filter on a port of our own (other
// processes' loopback traffic is filtered out): frames byte for byte, receive timestamps, the pool
// and its counted drops, and the errors a person sees. Needs root (CAP_NET_RAW), as CI runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LibpcapSource, libpcapUnavailable } from '../../../engine/capture/libpcap.js';
import { KwireError } from '../../../engine/errors.js';
import { META_STRIDE, M_CAPLEN, M_IFACE, M_LINKTYPE, M_OFFSET, M_ORIGLEN, M_TS_NSEC, M_TS_SEC, type FrameBatch } from '../../../engine/capture/batch.js';
import { ROOT } from '../../helpers/paths.js';
import { makeVethPair, type VethPair } from '../../native/netns.js';
import { CapProcess } from '../../native/cap-process.js';
import { ipv4UdpHex, macHex } from '../../native/traffic.js';

const root = process.getuid?.() === 0;
const usable = root && libpcapUnavailable() === '';
if (!usable) console.log(`libpcap tests skipped: ${root ? libpcapUnavailable() : 'not root (CI runs them as root)'}`);
const PORT = 40000 + (process.pid % 20000);

/** Send `n` UDP datagrams to 127.0.0.1:port whose payload is "kwire-<i>" padded to 20 + i bytes. */
async function sendUdp(port: number, n: number): Promise<Buffer[]> {
  const sock = createSocket('udp4');
  const sent: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const p = Buffer.alloc(20 + i, 0x2e);
    p.write(`kwire-${i}`);
    sent.push(p);
    await new Promise<void>((resolve, reject) => sock.send(p, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  }
  sock.close();
  return sent;
}

/** Pull batches until `want` frames came or `ms` passed; frames are copied out and batches recycled. */
async function collect(src: LibpcapSource, want: number, ms = 5000): Promise<{ frame: Buffer; meta: number[] }[]> {
  const out: { frame: Buffer; meta: number[] }[] = [];
  const until = Date.now() + ms;
  while (out.length < want && Date.now() < until) {
    const b = (await src.next(50)) as FrameBatch;
    for (let i = 0; i < b.count; i++) {
      const m = Array.from(b.meta.subarray(i * META_STRIDE, (i + 1) * META_STRIDE));
      out.push({ frame: Buffer.from(b.data.subarray(m[M_OFFSET], m[M_OFFSET] + m[M_CAPLEN])), meta: m });
    }
    src.recycle(b);
  }
  return out;
}

test('frames on lo: every datagram once, byte for byte, with receive timestamps', async () => {
  if (!usable) return;
  const src = new LibpcapSource({ ifaces: ['lo'], bpf: `udp dst port ${PORT}`, promiscuous: true });
  try {
    assert.equal(src.interfaces, [{ name: 'lo', linkType: 1, snapLen: 65535 }]);
    const t0 = Date.now();
    const sent = await sendUdp(PORT, 50);
    const got = await collect(src, 50);
    const t1 = Date.now();
    assert.is(got.length, 50);
    let lastNs = 0;
    got.forEach(({ frame, meta }, i) => {
      assert.is(meta[M_CAPLEN], 14 + 20 + 8 + sent[i].length);
      assert.is(meta[M_ORIGLEN], meta[M_CAPLEN]);
      assert.is(meta[M_LINKTYPE], 1);
      assert.is(meta[M_IFACE], 0);
      assert.is(frame.readUInt16BE(12), 0x0800);
      assert.is(frame.readUInt16BE(14 + 20 + 2), PORT);
      assert.ok(frame.subarray(42).equals(sent[i]), `payload of datagram ${i}`);
      const ns = meta[M_TS_SEC] * 1e9 + meta[M_TS_NSEC];
      assert.ok(meta[M_TS_NSEC] < 1e9);
      assert.ok(ns >= (t0 - 5) * 1e6 && ns <= (t1 + 5) * 1e6, 'timestamp within the test');
      assert.ok(ns >= lastNs, 'timestamps do not go back');
      lastNs = ns;
    });
    const s = src.stats();
    assert.is(s.packets, 50);
    assert.is(s.bytes, got.reduce((a, g) => a + g.frame.length, 0));
    assert.is(s.batchDrops, 0);
    assert.is(src.kernelCountersUnavailable, '');
    assert.is(s.kernelCounters, true, 'PACKET_STATISTICS of libpcap\'s socket');
    // on lo the kernel hands the socket each datagram twice (sent and received); libpcap skips the
    // outgoing copy in userland, pcap_stats still counts both
    assert.is(s.kernelPackets, 100);
    assert.is(s.kernelDrops, 0);
  } finally {
    await src.close();
  }
  assert.is(await src.next(10), null, 'closed source ends');
});

test('no free batch: frames are counted as batch drops, the kept batches come out in order', async () => {
  if (!usable) return;
  const src = new LibpcapSource({ ifaces: ['lo'], bpf: `udp dst port ${PORT + 1}`, promiscuous: true, batchFrames: 4, poolSize: 2, batchBytes: 65536 });
  try {
    await sendUdp(PORT + 1, 20);
    await new Promise((r) => setTimeout(r, 300)); // cap reads them while nobody takes a batch
    const s = src.stats();
    assert.is(s.packets, 8, 'two batches of four filled');
    assert.is(s.batchDrops, 12);
    assert.is(s.kernelPackets, 40, 'the kernel queued all (twice each on lo)');
    assert.is(s.kernelDrops, 0);
    const got = await collect(src, 8, 1000);
    assert.equal(got.map((g) => g.frame.subarray(42, 50).toString()), ['kwire-0.', 'kwire-1.', 'kwire-2.', 'kwire-3.', 'kwire-4.', 'kwire-5.', 'kwire-6.', 'kwire-7.']);
  } finally {
    await src.close();
  }
});

test('any: Linux cooked headers (SLL), frames still decode to our datagrams', async () => {
  if (!usable) return;
  const src = new LibpcapSource({ ifaces: ['any'], bpf: `udp dst port ${PORT + 2}`, promiscuous: true });
  try {
    assert.is(src.interfaces[0].linkType, 113);
    await sendUdp(PORT + 2, 5);
    const got = await collect(src, 5, 3000);
    assert.ok(got.length >= 5, `${got.length} frames`);
    for (const { frame, meta } of got) {
      assert.is(meta[M_LINKTYPE], 113);
      assert.is(frame.readUInt16BE(14), 0x0800, 'SLL protocol field');
      assert.is(frame.readUInt16BE(16 + 20 + 2), PORT + 2);
    }
    const s = src.stats();
    assert.is(s.kernelCounters, true, 'the unbound socket of any found');
    assert.ok(s.kernelPackets >= got.length);
  } finally {
    await src.close();
  }
});

test('two interfaces (lo and any): one table entry each, frames tagged with their interface', async () => {
  if (!usable) return;
  const src = new LibpcapSource({ ifaces: ['lo', 'any'], bpf: `udp dst port ${PORT + 4}`, promiscuous: true });
  try {
    assert.equal(src.interfaces.map((i) => [i.name, i.linkType]), [['lo', 1], ['any', 113]]);
    await sendUdp(PORT + 4, 3);
    const got = await collect(src, 6, 3000);
    const onLo = got.filter((g) => g.meta[M_IFACE] === 0);
    assert.is(onLo.length, 3);
    for (const g of onLo) assert.is(g.meta[M_LINKTYPE], 1);
    for (const g of got.filter((x) => x.meta[M_IFACE] === 1)) assert.is(g.meta[M_LINKTYPE], 113);
    assert.ok(got.some((g) => g.meta[M_IFACE] === 1), 'any saw them too');
    const s = src.stats();
    assert.is(s.kernelCounters, true, 'one socket found per interface');
    assert.ok(s.kernelPackets >= 3 * 2 + got.length - 3, `lo counts each datagram twice, any at least once: ${s.kernelPackets}`);
  } finally {
    await src.close();
  }
});

test('shared batches; no waiting traffic: next() resolves an empty batch after waitMs', async () => {
  if (!usable) return;
  const src = new LibpcapSource({ ifaces: ['lo'], bpf: `udp dst port ${PORT + 3}`, promiscuous: true, shared: true });
  try {
    await sendUdp(PORT + 3, 1);
    const one = (await src.next(1000))!;
    assert.is(one.count, 1);
    assert.instance(one.data.buffer, SharedArrayBuffer, 'shared: batches for worker threads');
    assert.instance(one.meta.buffer, SharedArrayBuffer);
    src.recycle(one);
    const t = Date.now();
    const b = await src.next(80);
    assert.is(b?.count, 0);
    assert.ok(Date.now() - t >= 70);
  } finally {
    await src.close();
  }
});

function openError(opts: { ifaces: string[]; bpf: string }): KwireError {
  try {
    const s = new LibpcapSource({ ...opts, promiscuous: true });
    void s.close();
  } catch (e) {
    assert.instance(e, KwireError);
    return e as KwireError;
  }
  return assert.unreachable('open did not fail') as never;
}

test('errors: unknown interface lists the available ones; a bad filter names the expression', () => {
  if (!usable) return;
  const e1 = openError({ ifaces: ['kwnope0'], bpf: '' });
  assert.is(e1.code, 'KWIRE_ERR_CAPTURE_IFACE');
  assert.match(e1.message, /"kwnope0"/);
  assert.match(e1.message, /available: .*\blo\b/);
  const e2 = openError({ ifaces: ['lo'], bpf: 'tcp port kwire-no-such-service' });
  assert.is(e2.code, 'KWIRE_ERR_CAPTURE_BPF');
  assert.match(e2.message, /tcp port kwire-no-such-service/);
  assert.match(e2.message, /unknown port/);
  const e3 = openError({ ifaces: ['lo'], bpf: 'tcp and and' });
  assert.is(e3.code, 'KWIRE_ERR_CAPTURE_BPF');
  assert.match(e3.message, /syntax error/);
});

test('errors: without CAP_NET_RAW the message names the capability and the fix', () => {
  if (!usable) return;
  const script = `import { LibpcapSource } from ${JSON.stringify(join(ROOT, 'engine/capture/libpcap.ts'))};
    try { new LibpcapSource({ ifaces: ['lo'], bpf: '', promiscuous: true }); console.log('opened'); }
    catch (e) { console.log(e.code + ' ' + e.message); }`;
  const r = spawnSync('setpriv', ['--bounding-set', '-net_raw,-net_admin', '--inh-caps', '-all', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: ROOT });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^KWIRE_ERR_CAPTURE_PERM /);
  assert.match(r.stdout, /needs CAP_NET_RAW/);
  assert.match(r.stdout, /NET_RAW, NET_ADMIN/);
});

test('closed and failed Caps are never collected: opening and closing many, with garbage to collect, exits cleanly', () => {
  if (!usable) return;
  // cap's close() leaves its uv_poll handle in the loop's list: a collected Cap freed it there and
  // this script died with SIGSEGV / "free(): invalid pointer" every time before closed Caps were kept
  const script = `import { LibpcapSource } from ${JSON.stringify(join(ROOT, 'engine/capture/libpcap.ts'))};
    const cases = [[['lo'], 'udp dst port 9'], [['any'], 'udp dst port 9'], [['lo', 'any'], ''], [['kwnope0'], ''], [['lo'], 'tcp and and']];
    for (let i = 0; i < 3; i++) {
      for (const [ifaces, bpf] of cases) {
        let src = null;
        try { src = new LibpcapSource({ ifaces, bpf, promiscuous: true }); } catch {}
        if (src) { await src.next(5); src.stats(); await src.close(); }
      }
      const junk = [];
      for (let j = 0; j < 200000; j++) junk.push({ j, s: 'x' + j });
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log('clean');`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  assert.is(r.signal, null, `died of ${r.signal}: ${r.stderr.slice(-300)}`);
  assert.is(r.status, 0, r.stderr.slice(-300));
  assert.match(r.stdout, 'clean');
});

test('kernel counters without the addon: kernelCounters false, the reason kept, delivered frames counted', async () => {
  if (!usable) return;
  const src = new LibpcapSource({ ifaces: ['lo'], bpf: `udp dst port ${PORT + 5}`, promiscuous: true, native: { addon: '/nonexistent/kwire.node', log: '/nonexistent/build.log' } });
  try {
    assert.match(src.kernelCountersUnavailable, /KWIRE_ERR_NATIVE_UNAVAILABLE|not built/);
    await sendUdp(PORT + 5, 5);
    await collect(src, 5, 3000);
    const s = src.stats();
    assert.is(s.kernelCounters, false);
    assert.is(s.kernelPackets, 5);
    assert.is(s.kernelDrops, 0);
  } finally {
    await src.close();
  }
});

/** A 64-byte IPv4/UDP frame from B to a MAC that is not A's (A's stack drops it: nothing goes back). */
function otherHostFrame(p: VethPair): string {
  return '026b77000099' + macHex(p.macB) + '0800' + ipv4UdpHex(20000, 9999, 22);
}

/** Sends `count` frames from B: `burst` at a time with `gapMs` between bursts (python3, raw socket). */
async function sendFrames(p: VethPair, count: number, burst: number, gapMs: number): Promise<void> {
  const py = [
    'import socket, time',
    's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)',
    `s.bind((${JSON.stringify(p.ifB)}, 0))`,
    `f = bytes.fromhex(${JSON.stringify(otherHostFrame(p))})`,
    `for i in range(${count}):`,
    '    s.send(f)',
    `    if (i + 1) % ${burst} == 0: time.sleep(${gapMs / 1000})`,
  ].join('\n');
  await p.exec(p.nsB, ['python3', '-c', py]);
}

function txPackets(p: VethPair): number {
  return Number(p.run(p.nsB, ['cat', `/sys/class/net/${p.ifB}/statistics/tx_packets`]));
}

async function settled(c: CapProcess, want: (s: NonNullable<Awaited<ReturnType<CapProcess['send']>>['stats']>) => boolean): Promise<NonNullable<Awaited<ReturnType<CapProcess['send']>>['stats']>> {
  let s = (await c.send('stats')).stats!;
  for (let i = 0; i < 50 && !want(s); i++) {
    await new Promise((r) => setTimeout(r, 100));
    s = (await c.send('stats')).stats!;
  }
  return s;
}

test('veth, low rate: kernel packets equal what the veth carried, zero drops', async () => {
  if (!usable) return;
  const p = makeVethPair();
  // 96 MiB: libpcap's slots (one per frame, sized for snap 65535) hold every frame sent, so a
  // stalled test machine cannot turn this into an overload
  const c = new CapProcess(p.nsA, { ifaces: [p.ifA], bpf: '', promiscuous: true, bufferSize: 96 << 20 });
  try {
    const hello = await c.reply();
    assert.is(hello.unavailable, '');
    await c.send('read');
    const tx0 = txPackets(p);
    await sendFrames(p, 1000, 20, 2); // about 10 kpps
    const sent = txPackets(p) - tx0;
    assert.is(sent, 1000);
    const s = await settled(c, (x) => x.packets >= sent);
    assert.is(s.kernelCounters, true);
    assert.is(s.kernelPackets, sent, `kernel packets ${s.kernelPackets} vs ${sent} sent`);
    assert.is(s.kernelDrops, 0);
    assert.is(s.packets, sent);
    assert.is(s.batchDrops, 0);
    assert.is(s.ifaceDrops, 0);
    const last = (await c.send('close')).stats!;
    assert.is(last.kernelPackets, sent, 'final counters kept after close');
  } finally {
    c.kill();
    p.close();
  }
});

test('veth, overload (1 MiB buffer, event loop frozen while B floods): drops counted, packets + drops = sent', async () => {
  if (!usable) return;
  const p = makeVethPair();
  const c = new CapProcess(p.nsA, { ifaces: [p.ifA], bpf: '', promiscuous: true, bufferSize: 1 << 20 });
  try {
    await c.reply();
    await c.send('read');
    const tx0 = txPackets(p);
    await c.send('freeze 3000');
    await sendFrames(p, 3000, 3000, 0);
    const sent = txPackets(p) - tx0;
    assert.is(sent, 3000);
    const s = await settled(c, (x) => x.packets + x.kernelDrops + x.batchDrops >= sent);
    assert.is(s.kernelCounters, true);
    assert.is(s.kernelPackets, sent, 'the kernel counted every frame, dropped ones included');
    assert.ok(s.kernelDrops > 0, `no drop counted: ${JSON.stringify(s)}`);
    assert.ok(s.kernelDrops < sent, 'the ring kept some');
    assert.is(s.packets + s.batchDrops + s.kernelDrops, sent, JSON.stringify(s));
  } finally {
    c.kill();
    p.close();
  }
});

test.run();
