// The shared corpus against tshark: for every frame of sni_truth.tsv (TLS and QUIC ClientHellos,
// tunnels included) the innermost 5-tuple kwire decodes equals tshark's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFile, type DecodedFrame } from '../helpers/decode-file.js';
import { SHARED_PCAPS as PCAPS } from '../helpers/paths.js';
import { S_OK } from '../../decoders/packet.js';

const rows = readFileSync(join(PCAPS, 'sni_truth.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));

test('sni_truth.tsv: innermost 5-tuple of every ClientHello frame matches tshark', async () => {
  assert.ok(rows.length > 1600, 'truth table loaded');
  const cache = new Map<string, DecodedFrame[]>();
  const misses: string[] = [];
  let tunnelled = 0;
  for (const [file, frame, transport, src, dst, sport, dport] of rows) {
    let frames = cache.get(file);
    if (frames === undefined) {
      frames = (await decodeFile(join(PCAPS, file))).frames;
      cache.set(file, frames);
    }
    const f = frames[Number(frame) - 1];
    const want = `${transport === 'tcp' ? 6 : 17} ${src}:${sport} -> ${dst}:${dport}`;
    const got = f ? `${f.proto} ${f.src}:${f.sport} -> ${f.dst}:${f.dport}` : 'no frame';
    if (f === undefined || f.status !== S_OK || got !== want) misses.push(`${file}#${frame}: want ${want}, got ${got} (status ${f?.status})`);
    if (f && f.tunnelDepth > 0) tunnelled++;
  }
  assert.equal(misses, []);
  assert.ok(tunnelled >= 10, `tunnelled ClientHellos checked: ${tunnelled}`);
});

test.run();
