// Filter compilation without linking libpcap: libpcap through dlopen and `tcpdump -ddd` give the same
// program; a bad expression or no compiler is KWIRE_ERR_CAPTURE_BPF naming the expression.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { thrown } from './thrown.js';
import { loadAfPacketAddon } from '../../native/addon.js';
import { compileBpf } from '../../native/bpf-compile.js';

const addon = loadAfPacketAddon();

test('libpcap (dlopen) and tcpdump -ddd compile the same programs, for Ethernet and raw IP', () => {
  for (const expr of ['tcp port 443', 'udp and not port 53', 'vlan 100 and host 10.1.2.3', 'icmp or arp', 'ip and tcp[tcpflags] & tcp-syn != 0', 'ip6 and udp']) {
    const viaLib = compileBpf(addon, expr, 1, 65535, 'libpcap');
    const viaDump = compileBpf(addon, expr, 1, 65535, 'tcpdump');
    assert.ok(viaLib.length >= 16 && viaLib.length % 8 === 0, expr);
    assert.equal(Buffer.from(viaDump).toString('hex'), Buffer.from(viaLib).toString('hex'), expr);
  }
  const raw = compileBpf(addon, 'tcp', 101, 65535, 'libpcap');
  assert.equal(Buffer.from(compileBpf(addon, 'tcp', 101, 65535, 'tcpdump')).toString('hex'), Buffer.from(raw).toString('hex'));
  assert.not.equal(Buffer.from(raw).toString('hex'), Buffer.from(compileBpf(addon, 'tcp', 1, 65535)).toString('hex'), 'link type matters');
  // The last instruction of "udp" accepts with the snap length: ret #snapLen (code 6 = BPF_RET|BPF_K).
  const p = compileBpf(addon, 'udp', 1, 200, 'tcpdump');
  const v = new DataView(p.buffer);
  const retAccept = [...Array(p.length / 8).keys()].map((i) => [v.getUint16(i * 8, true), v.getUint32(i * 8 + 4, true)]).filter(([c, k]) => c === 6 && k !== 0);
  assert.equal(retAccept, [[6, 200]]);
});

test('a bad expression names itself and the compiler message, from either compiler', () => {
  for (const via of ['libpcap', 'tcpdump'] as const) {
    const e = thrown(() => compileBpf(addon, 'tcp port notaport', 1, 65535, via));
    assert.is(e.code, 'KWIRE_ERR_CAPTURE_BPF');
    assert.is(e.message, `BPF filter "tcp port notaport" does not compile: unknown port 'notaport'`);
    assert.match(thrown(() => compileBpf(addon, 'tcp and and', 1, 65535, via)).message, 'syntax error');
  }
});

test('no tcpdump on PATH: the tcpdump compiler says so and what to install', () => {
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    const e = thrown(() => compileBpf(addon, 'tcp', 1, 65535, 'tcpdump'));
    assert.is(e.code, 'KWIRE_ERR_CAPTURE_BPF');
    assert.match(e.message, 'BPF filter "tcp" does not compile: tcpdump not available (ENOENT); install tcpdump');
    assert.ok(compileBpf(addon, 'tcp', 1, 65535).length > 0, "'auto' still compiles with libpcap");
  } finally {
    process.env.PATH = saved;
  }
});

test.run();
