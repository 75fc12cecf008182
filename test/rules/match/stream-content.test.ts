// Content rules on the TCP stream in sequence order (Suricata stream inspection): a secret split
// across segments that arrive out of order or are retransmitted is matched once, at the packet that
// completes it; overlaps keep the bytes seen first; a gap that never fills hides what lies behind it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parsePolicy } from '../../../rules/parse/policy.js';
import { compilePolicy } from '../../../rules/compile/compile-policy.js';
import { PolicyMatcher } from '../../../rules/match/policy-matcher.js';
import { STREAM_POLICY as POLICY, tcpSegment } from './tcp-frame.js';
import { STREAM_CASES, secretsSession } from '../../../samples/derive/stream-secrets.js';
import { helloPacket } from '../../../samples/derive/session.js';
import { kwire, ndjson, ROOT, tsharkFields } from '../../helpers/kwire-cli.js';

const TMP = mkdtempSync(join(tmpdir(), 'kwire-stream-content-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
const HAVE_TSHARK = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;


const segment = tcpSegment;

/** Feed a SYN at `isn` and then `parts` ([offset after the SYN, text]); returns [part index, sid, redacted] per alert. */
function run(isn: number, parts: [number, string][], depth = 32 * 1024): [number, number, string][] {
  const policy = parsePolicy(POLICY, 'p.yaml');
  const m = new PolicyMatcher(compilePolicy(policy), policy.cluster);
  const hits: [number, number, string][] = [];
  m.payload(segment(isn, '', 0x02), () => undefined, 6, true, depth);
  parts.forEach(([rel, text], k) => m.payload(segment((isn + 1 + rel) >>> 0, text), (a, _i, red) => hits.push([k, a.sid, red]), 6, false, depth));
  return hits;
}

const KEY = 'AKIAABCDEFGHIJKLMNOP';
const BODY = `POST /x HTTP/1.1\r\n\r\nkey=${KEY}&x=1`; // the key at 24..44

test('a key cut between two in-order segments is found once, at the second, redacted', () => {
  assert.equal(run(1000, [[0, BODY.slice(0, 26)], [26, BODY.slice(26)]]), [[1, 1, 'AKIA****************']]);
});

test('out of order: the key completes when the gap fills, whatever the order', () => {
  const cuts = [0, 10, 26, 30, 40, BODY.length];
  const parts: [number, string][] = cuts.slice(1).map((e, i) => [cuts[i], BODY.slice(cuts[i], e)]);
  for (const order of [[0, 2, 3, 4, 1], [4, 3, 2, 1, 0], [0, 4, 2, 1, 3], [1, 2, 3, 4, 0]]) {
    const hits = run(1000, order.map((i) => parts[i]));
    // the key (24..44) plus the byte after it (45) is complete once the contiguous prefix reaches 45
    let have = 0;
    let at = -1;
    const seen = new Set<number>();
    order.forEach((i, k) => {
      seen.add(i);
      while (seen.has(cuts.indexOf(have)) && cuts.indexOf(have) < parts.length) have = cuts[cuts.indexOf(have) + 1];
      if (at < 0 && have >= 45) at = k;
    });
    assert.equal(hits, [[at, 1, 'AKIA****************']], `order ${order}`);
  }
});

test('sequence numbers wrap inside the key', () => {
  const isn = 0xffffffff - 30;
  assert.equal(run(isn, [[30, BODY.slice(30)], [0, BODY.slice(0, 30)]]), [[1, 1, 'AKIA****************']]);
});

test('overlaps keep the bytes seen first: a later retransmission cannot make or unmake a match', () => {
  const broken = BODY.slice(0, 26) + 'x' + BODY.slice(27); // "AKxA..." held first
  assert.equal(run(1, [[26, broken.slice(26)], [0, BODY], [0, BODY.slice(0, 26)]]), []);
  assert.equal(run(1, [[26, BODY.slice(26)], [20, broken.slice(20, 40)], [0, BODY.slice(0, 26)]]), [[2, 1, 'AKIA****************']]);
});

test('a gap that never fills hides the bytes behind it; bytes beyond the stream depth are not inspected', () => {
  assert.equal(run(1, [[0, BODY.slice(0, 20)], [22, BODY.slice(22)]]), []);
  assert.equal(run(1, [[0, BODY]], 30), []);
  assert.equal(run(1, [[0, BODY]], 45), [[0, 1, 'AKIA****************']]);
});

test('rules with several contents: each may arrive in another segment, order of arrival free', () => {
  assert.equal(run(1, [[0, 'secret_a=1 '], [11, 'and secret_b=2 ']]).map((h) => h[1]), [3]);
  assert.equal(run(1, [[11, 'and secret_b=2 '], [0, 'secret_a=1 ']]).map((h) => h[0]), [1]);
  assert.equal(run(1, [[0, 'secret_a=1 '], [11, 'x'.repeat(200) + 'secret_b=2 ']]), [], 'secret_b beyond its depth');
});

// --- derived captures: the real POST of samples/netns/k8s-real.pcap re-cut and reordered ---

function tsharkClientStream(file: string): Buffer {
  const r = spawnSync('tshark', ['-r', file, '-q', '-z', 'follow,tcp,raw,0'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const body = r.stdout.split(/^=+$/m)[1];
  const hex = body.split('\n').filter((l) => /^[0-9a-f]+$/.test(l)).join(''); // client lines; server lines start with a tab
  return Buffer.from(hex, 'hex');
}

/** 1-based frame at which the client's contiguous stream first covers `end` bytes (tshark's seq/len). */
function completingFrame(file: string, end: number): number {
  const rows = tsharkFields(file, 'tcp.srcport==56098 && tcp.len>0', ['frame.number', 'tcp.seq', 'tcp.len']);
  const got: [number, number][] = [];
  for (const [frame, seq, len] of rows) {
    got.push([Number(seq) - 1, Number(seq) - 1 + Number(len)]);
    let have = 0;
    for (let moved = true; moved; ) {
      moved = false;
      for (const [a, b] of got) if (a <= have && b > have) { have = b; moved = true; }
    }
    if (have >= end) return Number(frame);
  }
  return -1;
}

const policyFile = join(TMP, 'policy.yaml');
writeFileSync(policyFile, POLICY);
const post = Buffer.from(helloPacket(secretsSession()).payload);

for (const c of STREAM_CASES) {
  test(`${c.file}: tshark's reassembled stream is the POST; each secret alerts once, at the frame that completes it`, () => {
    const file = join(ROOT, 'samples', 'derived', c.file);
    const r = kwire(['inspect', file, '--policy', policyFile, '--out', '-', '--quiet']);
    assert.is(r.status, 0, r.stderr);
    const alerts = ndjson(r.stdout).map((a) => [a.alert.signature_id, a.pcap_cnt, a.alert.metadata.kwire_match[0]]);
    const key = post.indexOf('AKIA');
    const ghp = post.indexOf('ghp_');
    assert.ok(key > 0 && ghp > 0);
    assert.ok(!r.stdout.includes(post.subarray(key, key + 20).toString()), 'the key never appears in clear');
    if (!HAVE_TSHARK) {
      assert.equal(alerts.map((a) => a[0]).sort(), [1, 2]);
      return;
    }
    assert.ok(tsharkClientStream(file).equals(post), 'tshark reassembles the original POST');
    // +1: the byte after the token ends it (a longer run of the class is another token)
    assert.equal(alerts.sort((a, b) => a[0] - b[0]), [
      [1, completingFrame(file, key + 21), 'AKIA****************'],
      [2, completingFrame(file, ghp + 41), 'ghp_' + '*'.repeat(36)],
    ]);
  });
}

test('samples/derive/stream-secrets.ts rewrites the committed captures byte for byte', () => {
  const out = join(TMP, 'derived');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'samples/derive/stream-secrets.ts', '--out', out], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  for (const c of STREAM_CASES) assert.ok(readFileSync(join(out, c.file)).equals(readFileSync(join(ROOT, 'samples', 'derived', c.file))), c.file);
});

test.run();
