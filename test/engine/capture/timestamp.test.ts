// pcapng timestamp resolutions (decimal and power-of-two if_tsresol, if_tsoffset) and the block types the
// corpus lacks (obsolete Packet Block), on pcapng files written here around a real frame's bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TS, splitTimestamp, tsResolution } from '../../../engine/capture/timestamp.js';
import { CORPUS, put, readAll, withTempDir } from './helpers.js';

/** Reference split with BigInt: units → (seconds mod 2^32, nanoseconds). */
function reference(t: bigint, tsresol: number): [number, number] {
  const n = BigInt(tsresol & 0x7f);
  const div = (tsresol & 0x80) === 0 ? 10n ** n : 1n << n;
  return [Number((t / div) % 4294967296n), Number(((t % div) * 1_000_000_000n) / div)];
}

/** xorshift32: deterministic pseudo-random u32s. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const RESOLUTIONS = [0, 1, 3, 6, 9, 10, 12, 0x80, 0x80 | 1, 0x80 | 9, 0x80 | 10, 0x80 | 20, 0x80 | 30, 0x80 | 32, 0x80 | 40];

test('splitTimestamp: exact against BigInt for decimal and binary resolutions, small and huge counts', () => {
  const next = rng(0x6b776972);
  for (const tsresol of RESOLUTIONS) {
    const r = tsResolution(tsresol);
    const cases: [number, number][] = [[0, 0], [0, 999_999], [0, 1_000_000], [0xfffff, 0xffffffff], [0x100000, 0],
      [0xffffffff, 0xffffffff], [0x17a2b3c4, 0x5d6e7f80]];
    for (let i = 0; i < 2000; i++) cases.push([i < 1000 ? next() >>> 11 : next(), next()]);
    for (const [hi, lo] of cases) {
      splitTimestamp(hi, lo, r);
      const [sec, nsec] = reference((BigInt(hi) << 32n) | BigInt(lo), tsresol);
      const where = `tsresol 0x${tsresol.toString(16)} t=${hi}:${lo}`;
      assert.is(TS.sec >>> 0, sec, `${where}: sec (modulo 2^32)`);
      assert.is(TS.nsec, nsec, `${where}: nsec`);
    }
  }
});

// --- a tiny pcapng writer --------------------------------------------------------------------------

function u16(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}
function u32(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}
function pad4(b: Buffer): Buffer {
  return Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
}
function block(type: number, body: Buffer, le: boolean): Buffer {
  const b = pad4(body);
  return Buffer.concat([u32(type, le), u32(b.length + 12, le), b, u32(b.length + 12, le)]);
}
function option(code: number, value: Buffer, le: boolean): Buffer {
  return Buffer.concat([u16(code, le), u16(value.length, le), pad4(value)]);
}
function shb(le: boolean): Buffer {
  return block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d, le), u16(1, le), u16(0, le), Buffer.alloc(8, 0xff)]), le);
}
function idb(linkType: number, snap: number, le: boolean, name: string, tsresol?: number, tsoffset?: bigint): Buffer {
  const opts = [option(2, Buffer.from(name), le)];
  if (tsresol !== undefined) opts.push(option(9, Buffer.from([tsresol]), le));
  if (tsoffset !== undefined) {
    const v = Buffer.alloc(8);
    if (le) v.writeBigInt64LE(tsoffset);
    else v.writeBigInt64BE(tsoffset);
    opts.push(option(14, v, le));
  }
  opts.push(Buffer.alloc(4)); // opt_endofopt
  return block(1, Buffer.concat([u16(linkType, le), u16(0, le), u32(snap, le), ...opts]), le);
}
function epb(iface: number, t: bigint, frame: Buffer, le: boolean): Buffer {
  const hi = Number(t >> 32n);
  const lo = Number(t & 0xffffffffn);
  return block(6, Buffer.concat([u32(iface, le), u32(hi, le), u32(lo, le), u32(frame.length, le),
    u32(frame.length + 100, le), pad4(frame)]), le);
}
function pb(iface: number, t: bigint, frame: Buffer, le: boolean): Buffer {
  const hi = Number(t >> 32n);
  const lo = Number(t & 0xffffffffn);
  return block(2, Buffer.concat([u16(iface, le), u16(0, le), u32(hi, le), u32(lo, le), u32(frame.length, le),
    u32(frame.length, le), pad4(frame)]), le);
}
function spb(frame: Buffer, origlen: number, le: boolean): Buffer {
  return block(3, Buffer.concat([u32(origlen, le), pad4(frame)]), le);
}

/** The first frame of a real capture (arkime/dns-udp.pcap: a 74-byte DNS query over Ethernet). */
function realFrame(): Buffer {
  const b = readFileSync(join(CORPUS, 'files/arkime/dns-udp.pcap'));
  return b.subarray(40, 40 + b.readUInt32LE(32));
}

test('pcapng: if_tsresol 2^-20 / 10^-9 / 10^-3 / 10^-12 / 2^-40, if_tsoffset, if_name, PB and SPB, both byte orders', async () => {
  const frame = realFrame();
  const t = 1_700_000_000n;
  for (const le of [true, false]) {
    const file = Buffer.concat([
      shb(le),
      idb(1, 0, le, 'bin20', 0x80 | 20, 1000n), // 0
      idb(1, 0, le, 'nano', 9), // 1
      idb(1, 0, le, 'milli', 3, -100n), // 2
      idb(1, 0, le, 'pico', 12), // 3
      idb(0xfffe, 0, le, 'bin40', 0x80 | 40), // 4, and an unknown link type
      epb(0, (t << 20n) + 524288n, frame, le), // .5 s
      epb(1, t * 1_000_000_000n + 123456789n, frame, le),
      epb(2, t * 1000n + 7n, frame, le),
      // 64 bits of picoseconds or 2^-40 s last 213 or 194 days: timestamps near the epoch.
      epb(3, 1_000_000n * 1_000_000_000_000n + 987654321987n, frame, le),
      epb(4, (1_000_000n << 40n) + (1n << 39n), frame, le),
      pb(1, t * 1_000_000_000n + 1n, frame, le),
      spb(frame.subarray(0, 60), 60, le), // SPB: interface 0, unlimited snaplen, no timestamp
      shb(le), // a second section: interface ids restart
      idb(113, 32, le, 'second'),
      spb(frame, frame.length, le), // snaplen 32 cuts the SPB caplen
      epb(0, 5_000_000n, frame, le),
    ]);
    await withTempDir(async (dir) => {
      const r = await readAll(put(dir, le ? 'le.pcapng' : 'be.pcapng', file), { chunkSize: 100 });
      assert.is(r.error, null, r.error?.message);
      assert.equal(r.reader.interfaces.map((i) => i.name), ['bin20', 'nano', 'milli', 'pico', 'bin40', 'second']);
      const got = r.frames.map((f) => [f.iface, f.sec, f.nsec, f.caplen, f.linkType]);
      const sec = Number(t);
      assert.equal(got, [
        [0, sec + 1000, 500_000_000, 74, 1],
        [1, sec, 123456789, 74, 1],
        [2, sec - 100, 7_000_000, 74, 1],
        [3, 1_000_000, 987654321, 74, 1],
        [4, 1_000_000, 500_000_000, 74, 0xfffe],
        [1, sec, 1, 74, 1],
        [0, 0, 0, 60, 1],
        [5, 0, 0, 32, 113],
        [5, 5, 0, 74, 113],
      ], le ? 'little-endian' : 'big-endian');
      assert.is(r.frames[0].origlen, 174);
      assert.is(r.frames[0].hex, frame.toString('hex'));
    });
  }
});

test('pcapng: a Simple Packet Block before any IDB is KWIRE_ERR_PCAPNG_IFACE', async () => {
  const file = Buffer.concat([shb(true), spb(realFrame(), 74, true)]);
  await withTempDir(async (dir) => {
    const r = await readAll(put(dir, 'spb.pcapng', file));
    assert.is(r.error?.code, 'KWIRE_ERR_PCAPNG_IFACE');
  });
});

test.run();
