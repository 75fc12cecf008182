// Bad input: one test per KwireError code, each file built in a temp dir from real captures' bytes;
// plus the things that are not errors (unknown block types, unknown link types).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCapture } from '../../../engine/capture/open.js';
import { KwireError } from '../../../engine/errors.js';
import { CORPUS, expectError, pcapngBlockBounds, pcapRecordBounds, put, readAll, withTempDir } from './helpers.js';

const DNS_UDP = join(CORPUS, 'files/arkime/dns-udp.pcap'); // LE µs pcap, 5 frames
const BE_PCAP = join(CORPUS, 'files/arkime/bigendian.pcap'); // BE µs pcap, 2 frames
const NG = join(CORPUS, 'files/ndpi/quic_frags_ch_in_multiple_packets.pcapng'); // LE pcapng, 4 EPBs
const BE_NG = join(CORPUS, 'files/gopacket/be_test001.pcapng'); // BE pcapng, 4 EPBs

const bytesOf = (p: string): Buffer => Buffer.from(readFileSync(p));

/** Start of the n-th (0-based) block of type `type` in a pcapng file. */
function blockAt(b: Buffer, type: number, n: number): number {
  return pcapngBlockBounds(b).filter((x) => x.type === type)[n].start;
}

test('missing file: KWIRE_ERR_NO_FILE names the path', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'nope.pcap');
    try {
      await openCapture(path);
      assert.unreachable('opened a missing file');
    } catch (err) {
      assert.instance(err, KwireError);
      assert.is((err as KwireError).code, 'KWIRE_ERR_NO_FILE');
      assert.ok((err as KwireError).message.includes(path));
      assert.is((err as KwireError).file, path);
    }
  });
});

test('a directory: KWIRE_ERR_IO', async () => {
  await withTempDir(async (dir) => {
    await expectError(dir, 'KWIRE_ERR_IO');
  });
});

test('PNG bytes: KWIRE_ERR_PCAP_MAGIC says what was seen and what was expected', async () => {
  await withTempDir(async (dir) => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63' +
      '6000010000050001a5f645400000000049454e44ae426082', 'hex');
    const { error } = await expectError(put(dir, 'image.pcap', png), 'KWIRE_ERR_PCAP_MAGIC');
    assert.ok(error.message.includes('89504e47'), error.message);
    assert.ok(error.message.includes('PNG'), error.message);
    assert.ok(error.message.includes('a1b2c3d4') && error.message.includes('0a0d0d0a'), error.message);
    assert.is(error.offset, 0);
  });
});

test('text: KWIRE_ERR_PCAP_MAGIC', async () => {
  await withTempDir(async (dir) => {
    const { error } = await expectError(put(dir, 'notes.pcapng', 'tcpdump -i eth0 -w out.pcap\n'), 'KWIRE_ERR_PCAP_MAGIC');
    assert.ok(error.message.includes('74637064'), error.message); // "tcpd"
    assert.ok(error.message.includes('text'), error.message);
  });
});

test('empty file: KWIRE_ERR_EMPTY', async () => {
  await withTempDir(async (dir) => {
    const { error } = await expectError(put(dir, 'empty.pcap', ''), 'KWIRE_ERR_EMPTY');
    assert.ok(error.message.includes('empty'));
  });
});

test('truncated global header / SHB: KWIRE_ERR_PCAP_TRUNC_HEADER from openCapture()', async () => {
  await withTempDir(async (dir) => {
    for (const [src, cut] of [[DNS_UDP, 20], [DNS_UDP, 2], [BE_PCAP, 23], [NG, 50], [NG, 10], [BE_NG, 27]] as const) {
      const path = put(dir, `cut-${cut}`, bytesOf(src).subarray(0, cut));
      try {
        await openCapture(path);
        assert.unreachable(`${src} cut at ${cut} opened`);
      } catch (err) {
        assert.instance(err, KwireError);
        assert.is((err as KwireError).code, 'KWIRE_ERR_PCAP_TRUNC_HEADER', `${src} cut at ${cut}: ${(err as Error).message}`);
        assert.ok((err as Error).message.includes(path));
      }
    }
  });
});

test('truncated last record: the frames before it, then KWIRE_ERR_PCAP_TRUNC_RECORD at its offset', async () => {
  await withTempDir(async (dir) => {
    const full = await readAll(DNS_UDP);
    const b = bytesOf(DNS_UDP);
    const bounds = pcapRecordBounds(b);
    const lastStart = bounds[bounds.length - 2];
    const { error, frames } = await expectError(put(dir, 'trunc.pcap', b.subarray(0, b.length - 10)), 'KWIRE_ERR_PCAP_TRUNC_RECORD');
    assert.equal(frames, full.frames.slice(0, 4));
    assert.is(error.offset, lastStart);
    assert.ok(error.message.includes(`at byte ${lastStart}`), error.message);
    // pcapng: cut inside the last EPB.
    const ng = bytesOf(NG);
    const ngFull = await readAll(NG);
    const lastEpb = blockAt(ng, 6, 3);
    const cut = await expectError(put(dir, 'trunc.pcapng', ng.subarray(0, lastEpb + 40)), 'KWIRE_ERR_PCAP_TRUNC_RECORD');
    assert.equal(cut.frames, ngFull.frames.slice(0, 3));
    assert.is(cut.error.offset, lastEpb);
  });
});

test('absurd caplen: KWIRE_ERR_PCAP_CAPLEN after the frames before it', async () => {
  await withTempDir(async (dir) => {
    const full = await readAll(DNS_UDP);
    const b = bytesOf(DNS_UDP);
    const third = pcapRecordBounds(b)[2];
    b.writeUInt32LE(0x7fffffff, third + 8);
    const { error, frames } = await expectError(put(dir, 'caplen.pcap', b), 'KWIRE_ERR_PCAP_CAPLEN');
    assert.equal(frames, full.frames.slice(0, 2));
    assert.is(error.offset, third + 8);
    assert.ok(error.message.includes('2147483647'), error.message);
    // pcapng: an EPB caplen larger than its block.
    const ng = bytesOf(BE_NG);
    const epb = blockAt(ng, 6, 1);
    ng.writeUInt32BE(ng.readUInt32BE(epb + 4), epb + 20);
    const cut = await expectError(put(dir, 'caplen.pcapng', ng), 'KWIRE_ERR_PCAP_CAPLEN');
    assert.is(cut.frames.length, 1);
  });
});

test('bad pcapng block length: not a multiple of 4, too small, trailer differs → KWIRE_ERR_PCAPNG_BLOCK', async () => {
  await withTempDir(async (dir) => {
    const orig = bytesOf(NG);
    const epb = blockAt(orig, 6, 2);
    const len = orig.readUInt32LE(epb + 4);
    for (const [name, patch] of [
      ['odd', (b: Buffer) => b.writeUInt32LE(len + 1, epb + 4)],
      ['small', (b: Buffer) => b.writeUInt32LE(8, epb + 4)],
      ['huge', (b: Buffer) => b.writeUInt32LE(0x7ffffffc, epb + 4)],
      ['trailer', (b: Buffer) => b.writeUInt32LE(len + 4, epb + len - 4)],
    ] as const) {
      const b = Buffer.from(orig);
      patch(b);
      const { error, frames } = await expectError(put(dir, `${name}.pcapng`, b), 'KWIRE_ERR_PCAPNG_BLOCK');
      assert.is(frames.length, 2, name);
      assert.is(error.offset, epb, name);
    }
  });
});

test('EPB naming an undefined interface: KWIRE_ERR_PCAPNG_IFACE', async () => {
  await withTempDir(async (dir) => {
    const b = bytesOf(BE_NG);
    const epb = blockAt(b, 6, 2);
    b.writeUInt32BE(7, epb + 8);
    const { error, frames } = await expectError(put(dir, 'iface.pcapng', b), 'KWIRE_ERR_PCAPNG_IFACE');
    assert.is(frames.length, 2);
    assert.is(error.offset, epb);
    assert.ok(error.message.includes('interface 7'), error.message);
  });
});

test('unsupported versions: KWIRE_ERR_PCAP_VERSION', async () => {
  await withTempDir(async (dir) => {
    const b = bytesOf(DNS_UDP);
    b.writeUInt16LE(3, 4);
    await expectError(put(dir, 'v3.pcap', b), 'KWIRE_ERR_PCAP_VERSION');
    const ng = bytesOf(NG);
    ng.writeUInt16LE(2, 12);
    await expectError(put(dir, 'v2.pcapng', ng), 'KWIRE_ERR_PCAP_VERSION');
  });
});

test('unknown block type: skipped by its length', async () => {
  await withTempDir(async (dir) => {
    const b = bytesOf(NG);
    const epb = blockAt(b, 6, 2);
    const unknown = Buffer.alloc(20);
    unknown.writeUInt32LE(0x0000beef, 0);
    unknown.writeUInt32LE(20, 4);
    unknown.write('junk', 8);
    unknown.writeUInt32LE(20, 16);
    const path = put(dir, 'unknown-block.pcapng', Buffer.concat([b.subarray(0, epb), unknown, b.subarray(epb)]));
    const r = await readAll(path);
    assert.is(r.error, null);
    assert.equal(r.frames, (await readAll(NG)).frames);
  });
});

test('unknown link type: passed through (pcap FCS bits masked off; pcapng IDB)', async () => {
  await withTempDir(async (dir) => {
    const b = bytesOf(DNS_UDP);
    b.writeUInt32LE(0x14000000 | 0x1234, 20); // FCS length 1 (16-bit units), P bit, link type 0x1234
    const r = await readAll(put(dir, 'lt.pcap', b));
    assert.is(r.error, null);
    assert.is(r.frames.length, 5);
    assert.ok(r.frames.every((f) => f.linkType === 0x1234));
    assert.is(r.reader.interfaces[0].linkType, 0x1234);
    const ng = bytesOf(BE_NG);
    ng.writeUInt16BE(0xabcd, blockAt(ng, 1, 0) + 8);
    const r2 = await readAll(put(dir, 'lt.pcapng', ng));
    assert.is(r2.error, null);
    assert.ok(r2.frames.length === 4 && r2.frames.every((f) => f.linkType === 0xabcd));
  });
});

test('after a fault every later next() throws the same error', async () => {
  await withTempDir(async (dir) => {
    const b = bytesOf(DNS_UDP);
    const reader = await openCapture(put(dir, 't.pcap', b.subarray(0, b.length - 3)));
    const first = await reader.next();
    assert.ok(first !== null && first.count === 4);
    for (let i = 0; i < 2; i++) {
      try {
        await reader.next();
        assert.unreachable('no error');
      } catch (err) {
        assert.is((err as KwireError).code, 'KWIRE_ERR_PCAP_TRUNC_RECORD');
      }
    }
    await reader.close();
  });
});

test.run();
