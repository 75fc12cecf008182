// Differential oracle: the npm package pcap-parser on every classic microsecond pcap of the corpus must
// see the same frames (count, timestamp, lengths, bytes) as our reader.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { manifest, readAll } from './helpers.js';

interface OracleFrame {
  header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number };
  data: Buffer;
}
interface PcapParserEmitter {
  on(event: 'packet', fn: (p: OracleFrame) => void): PcapParserEmitter;
  on(event: 'end', fn: () => void): PcapParserEmitter;
  on(event: 'error', fn: (e: Error) => void): PcapParserEmitter;
}
const pcapParser = createRequire(import.meta.url)('pcap-parser') as { parse(path: string): PcapParserEmitter };

function oracle(path: string): Promise<OracleFrame[]> {
  return new Promise((resolve, reject) => {
    const out: OracleFrame[] = [];
    pcapParser.parse(path).on('packet', (p) => out.push(p)).on('end', () => resolve(out)).on('error', reject);
  });
}

function magicOf(path: string): number {
  const b = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  readSync(fd, b, 0, 4, 0);
  closeSync(fd);
  return b.readUInt32BE(0);
}

test('pcap-parser oracle: every classic µs pcap (by magic) gives the same frames', async () => {
  const files = manifest().filter((r) => {
    const m = magicOf(r.abs);
    return m === 0xa1b2c3d4 || m === 0xd4c3b2a1;
  });
  assert.ok(files.length >= 75, `${files.length} classic µs pcaps`);
  for (const row of files) {
    const ours = await readAll(row.abs);
    const theirs = await oracle(row.abs);
    assert.is(ours.error, null, row.path);
    assert.is(ours.frames.length, theirs.length, `${row.path}: count`);
    for (let i = 0; i < theirs.length; i++) {
      const o = ours.frames[i];
      const t = theirs[i];
      const where = `${row.path} frame ${i + 1}`;
      assert.is(o.sec, t.header.timestampSeconds, `${where}: seconds`);
      assert.is(o.nsec, t.header.timestampMicroseconds * 1000, `${where}: nanoseconds`);
      assert.is(o.caplen, t.header.capturedLength, `${where}: caplen`);
      assert.is(o.origlen, t.header.originalLength, `${where}: origlen`);
      if (o.hex !== t.data.toString('hex')) assert.unreachable(`${where}: frame bytes differ`);
    }
  }
});

test.run();
