// kwire inspect end to end: EVE records against tshark, exit codes, stdin, partial results on faults.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { kwire, ndjson, tsharkFields, SHARED, ROOT } from '../../helpers/kwire-cli.js';

const TLS = join(SHARED, 'mercury', 'surfshark.pcap'); // IPv4 and IPv6 SYNs to 443
const TLS_FRAMES = 5012; // MANIFEST.tsv
// What the built-in port rule fires on, in tshark's words (ICMP errors quote TCP/UDP headers: not those).
const ALERT_FILTER = '!icmp && !icmpv6 && ((tcp.flags.syn==1 && tcp.flags.ack==0 && tcp.dstport==443) || udp.dstport==443)';
const tmp = mkdtempSync(join(tmpdir(), 'kwire-cli-'));

test('alerts: one per TCP SYN to an alert port, pcap_cnt and tuple agree with tshark', () => {
  const r = kwire(['inspect', TLS, '--alert-ports', '443', '--out', '-', '--quiet']);
  assert.is(r.status, 0, r.stderr);
  const alerts = ndjson(r.stdout);
  const syns = tsharkFields(TLS, ALERT_FILTER,
    ['frame.number', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'udp.srcport', 'udp.dstport']);
  assert.ok(syns.length > 70, 'capture has SYNs to 443');
  assert.is(alerts.length, syns.length);
  alerts.forEach((a, i) => {
    const [frame, src4, src6, tsport, dst4, dst6, tdport, usport, udport] = syns[i];
    const sport = tsport || usport;
    const dport = tdport || udport;
    const src = src4 || src6;
    const dst = dst4 || dst6;
    assert.is(a.event_type, 'alert');
    assert.is(a.pcap_cnt, Number(frame));
    assert.is(a.src_ip, src);
    assert.is(a.src_port, Number(sport));
    assert.is(a.dest_ip, dst);
    assert.is(a.dest_port, Number(dport));
    assert.is(a.proto, tsport ? 'TCP' : 'UDP');
    assert.is(a.ip_v, src4 ? 4 : 6);
    assert.match(a.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$/);
    assert.is(a.alert.signature_id, 9100443);
    assert.is(a.alert.category, 'disallowed-port');
    assert.type(a.flow_id, 'number');
  });
});

test('timestamps match tshark to the microsecond', () => {
  const r = kwire(['inspect', TLS, '--alert-ports', '443', '--out', '-', '--quiet']);
  const alerts = ndjson(r.stdout);
  const t = tsharkFields(TLS, ALERT_FILTER, ['frame.time_epoch']);
  for (let i = 0; i < alerts.length; i++) {
    const us = Math.round(Number(t[i][0]) * 1e6);
    const iso = new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);
    assert.is(alerts[i].timestamp, `${iso}.${String(us % 1e6).padStart(6, '0')}+0000`);
  }
});

test('stats event: Suricata layout, packet count equals the manifest', () => {
  const r = kwire(['inspect', TLS, '--alert-ports', 'none', '--events', 'stats', '--out', '-', '--quiet']);
  assert.is(r.status, 0);
  const recs = ndjson(r.stdout);
  assert.is(recs.length, 1);
  const s = recs[0];
  assert.is(s.event_type, 'stats');
  assert.is(s.stats.decoder.pkts, TLS_FRAMES);
  assert.is(s.stats.decoder.ethernet, TLS_FRAMES);
  assert.is(s.stats.decoder.tcp, tsharkFields(TLS, 'tcp && !icmp && !icmpv6', ['frame.number']).length);
  assert.is(s.stats.decoder.link_type.ethernet, TLS_FRAMES);
  assert.is(s.stats.decoder.event.ipv4.trunc_pkt, 0);
  assert.is(s.stats.detect.alert, 0);
});

test('VLAN ids and tunnel object: QinQinQ and ERSPAN→VXLAN, as tshark sees them', () => {
  const q = ndjson(kwire(['inspect', join(SHARED, 'zeek', 'vlan-qinqinq.pcap'), '--alert-ports', '80', '--out', '-', '--quiet']).stdout);
  assert.is(q.length, 1);
  assert.equal(q[0].vlan, tsharkFields(join(SHARED, 'zeek', 'vlan-qinqinq.pcap'), 'frame.number==1', ['vlan.id'])[0][0].split(',').map(Number));
  const t = ndjson(kwire(['inspect', join(SHARED, 'ja4', 'gre-erspan-vxlan.pcap'), '--alert-ports', '80', '--out', '-', '--quiet']).stdout);
  assert.is(t.length, 1);
  assert.is(t[0].src_ip, '10.16.27.12');
  assert.is(t[0].dest_port, 80);
  assert.equal(t[0].tunnel, { src_ip: '100.20.9.2', dest_ip: '100.20.9.1', proto: 'GRE', type: 'ERSPAN', id: 20, depth: 2 });
});

test('flow_id is the same for both directions of a flow', () => {
  const file = join(SHARED, 'arkime', 'dns-udp.pcap');
  const recs = ndjson(kwire(['inspect', file, '--alert-ports', '53', '--out', '-', '--quiet']).stdout);
  // queries (to 53) alert; build the reverse by alerting on the client port too
  assert.ok(recs.length >= 1);
  const back = ndjson(kwire(['inspect', file, '--alert-ports', String(recs[0].src_port), '--out', '-', '--quiet']).stdout);
  assert.ok(back.length >= 1);
  assert.is(back[0].dest_ip, recs[0].src_ip);
  assert.is(back[0].flow_id, recs[0].flow_id);
  assert.match(recs[0].community_id, /^1:[A-Za-z0-9+/]{27}=$/);
  assert.is(back[0].community_id, recs[0].community_id);
  const flows = ndjson(kwire(['inspect', file, '--events', 'flow', '--out', '-', '--quiet']).stdout);
  assert.is(flows.find((f) => f.flow_id === recs[0].flow_id)?.community_id, recs[0].community_id);
});

test('stdin gives the same records as the path', () => {
  const a = kwire(['inspect', TLS, '--alert-ports', '443', '--out', '-', '--quiet']);
  const b = kwire(['inspect', '-', '--alert-ports', '443', '--out', '-', '--quiet'], readFileSync(TLS));
  assert.is(b.status, 0, b.stderr);
  assert.is(b.stdout, a.stdout);
});

test('--out FILE writes NDJSON there; summary on stderr', () => {
  const out = join(tmp, 'eve.json');
  const r = kwire(['inspect', TLS, '--alert-ports', '443', '--out', out, '--events', 'alert,stats']);
  assert.is(r.status, 0);
  assert.is(r.stdout, '');
  const recs = ndjson(readFileSync(out, 'utf8'));
  assert.is(recs[recs.length - 1].event_type, 'stats');
  assert.match(r.stderr, new RegExp(`packets ${TLS_FRAMES} `));
  assert.match(r.stderr, new RegExp(`link types: ethernet ${TLS_FRAMES}`));
  assert.match(r.stderr, /packets\/s/);
});

test('truncated capture: alerts before the fault are written, error names file and offset, exit 1', () => {
  const full = readFileSync(TLS);
  const cut = join(tmp, 'cut.pcap');
  writeFileSync(cut, full.subarray(0, Math.floor(full.length / 2) + 7));
  const whole = ndjson(kwire(['inspect', TLS, '--alert-ports', '443', '--out', '-', '--quiet']).stdout);
  const r = kwire(['inspect', cut, '--alert-ports', '443', '--out', '-', '--events', 'alert,stats']);
  assert.is(r.status, 1);
  assert.match(r.stderr, /cut\.pcap at byte \d+/);
  assert.match(r.stderr, /KWIRE_ERR_PCAP_TRUNC_RECORD/);
  const recs = ndjson(r.stdout);
  const alerts = recs.filter((x) => x.event_type === 'alert');
  assert.ok(alerts.length > 0 && alerts.length < whole.length);
  assert.equal(alerts, whole.slice(0, alerts.length));
  assert.is(recs[recs.length - 1].event_type, 'stats');
});

test('bad input and usage: exit codes 1 and 2 with clear messages', () => {
  const missing = kwire(['inspect', join(tmp, 'nope.pcap')]);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /nope\.pcap/);
  const png = join(tmp, 'x.png');
  writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
  const p = kwire(['inspect', png]);
  assert.is(p.status, 1);
  assert.match(p.stderr, /PNG/);
  assert.is(kwire(['inspect']).status, 2);
  assert.is(kwire(['inspect', TLS, '--alert-ports', '70000']).status, 2);
  assert.is(kwire(['inspect', TLS, '--events', 'flows']).status, 2);
  assert.is(kwire(['frobnicate']).status, 2);
  const bad = kwire(['inspect', TLS, '--flow-timeouts', 'tcp.forever=3']);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /bad --flow-timeouts entry "tcp.forever=3"/);
  const help = kwire(['--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, /kwire inspect/);
});

test('--flow-timeouts: with 0 s UDP timeouts a query flow ends before its answer arrives', () => {
  const file = join(SHARED, 'arkime', 'dns-udp.pcap'); // 2 query/answer pairs, then a lone query years later
  const flows = (args: string[]): Record<string, any>[] => ndjson(kwire(['inspect', file, '--events', 'flow', '--out', '-', '--quiet', ...args]).stdout);
  const normal = flows([]);
  assert.equal(normal.map((r) => [r.flow.pkts_toserver, r.flow.pkts_toclient]), [[1, 1], [1, 1], [1, 0]]);
  const short = flows(['--flow-timeouts', 'udp.new=0,udp.established=0']);
  assert.is(short.length, 5); // each answer starts a flow of its own
  // the sweep at the end of the batch (capture time of its last packet) ends even the last flow: 0 s
  assert.equal(short.map((r) => r.flow.reason), ['timeout', 'timeout', 'timeout', 'timeout', 'timeout']);
});

test('a dead output is reported with what was lost, exit 1', () => {
  const r = kwire(['inspect', TLS, '--alert-ports', '443', '--out', '/dev/full', '--quiet']);
  assert.is(r.status, 1);
  assert.match(r.stderr, /output \/dev\/full failed \(ENOSPC[^)]*\): 0 record\(s\) written, \d+ lost \[KWIRE_ERR_SINK\]/);
});

test('a terminal gets one readable line per alert', () => {
  const script = spawnSync('script', ['-qec', `${process.execPath} --import tsx engine/cli/main.ts inspect ${TLS} --alert-ports 443 --quiet`, '/dev/null'], { cwd: ROOT, encoding: 'utf8' });
  if (script.error) return; // util-linux script(1) missing: nothing to drive a TTY with
  const lines = script.stdout.split(/\r?\n/).filter((l) => l.includes('KWIRE built-in'));
  assert.ok(lines.length > 10);
  assert.match(lines[0], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}  \[disallowed-port\] sev 2  KWIRE built-in: connection to alert port 443  \[1:9100443:1\]  TCP \S+:\d+ -> \S+:443  #\d+$/);
});

test.run();
