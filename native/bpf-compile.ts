// tcpdump filter expression → classic BPF (sock_filter bytes) for SO_ATTACH_FILTER, with no libpcap
// linked: libpcap's pcap_compile through dlopen in the addon when libpcap is installed, else
// `tcpdump -ddd`. Neither present, or a bad expression, is KWIRE_ERR_CAPTURE_BPF naming the expression.

import { spawnSync } from 'node:child_process';
import { KwireError } from '../engine/errors.js';
import { ERR_CAPTURE_BPF } from '../engine/capture/live-faults.js';
import type { AfPacketAddon } from './addon.js';

/** Which compiler to use; 'auto' tries libpcap, then tcpdump. */
export type BpfCompiler = 'auto' | 'libpcap' | 'tcpdump';

const SOCK_FILTER_BYTES = 8;
/** pcap_open_dead takes a DLT_*; they equal LINKTYPE_* except raw IP (LINKTYPE_RAW 101 = DLT_RAW 12 on Linux). */
const LINKTYPE_RAW = 101;
const DLT_RAW = 12;
/** tcpdump -y names of the link types a ring hands out. */
const DLT_NAMES: Record<number, string> = { 1: 'EN10MB', 101: 'RAW', 127: 'IEEE802_11_RADIO' };

function bpfError(expr: string, why: string): KwireError {
  return new KwireError(ERR_CAPTURE_BPF, `BPF filter "${expr}" does not compile: ${why}`);
}

/** `tcpdump -ddd` prints the instruction count, then "code jt jf k" per line, in decimal. */
function viaTcpdump(expr: string, linkType: number, snapLen: number): Uint8Array | string {
  const dlt = DLT_NAMES[linkType] ?? 'EN10MB';
  const r = spawnSync('tcpdump', ['-ddd', '-y', dlt, '-s', String(snapLen), expr], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return `tcpdump not available (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  if (r.status !== 0) throw bpfError(expr, (r.stderr || `tcpdump exit ${r.status}`).trim().replace(/^tcpdump: /, ''));
  const lines = r.stdout.trim().split('\n');
  const n = Number(lines[0]);
  if (!Number.isInteger(n) || n <= 0 || lines.length !== n + 1) throw bpfError(expr, `unexpected tcpdump -ddd output: ${lines[0]}`);
  const out = new Uint8Array(n * SOCK_FILTER_BYTES);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const [code, jt, jf, k] = lines[i + 1].trim().split(/\s+/).map(Number);
    const o = i * SOCK_FILTER_BYTES;
    view.setUint16(o, code, true);
    view.setUint8(o + 2, jt);
    view.setUint8(o + 3, jf);
    view.setUint32(o + 4, k >>> 0, true);
  }
  return out;
}

/**
 * Compiles `expr` for frames of `linkType` (LINKTYPE_*; 'any' captures compile for Ethernet).
 * Returns sock_filter bytes in host byte order (little-endian hosts only, as Node on Linux is).
 */
export function compileBpf(addon: AfPacketAddon, expr: string, linkType: number, snapLen: number, via: BpfCompiler = 'auto'): Uint8Array {
  let libpcapWhy = '';
  if (via !== 'tcpdump') {
    try {
      return addon.compileFilter(expr, linkType === LINKTYPE_RAW ? DLT_RAW : linkType, snapLen);
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.code === 'EBPFSYNTAX') throw bpfError(expr, err.message);
      libpcapWhy = `libpcap not loadable (${err.message})`;
      if (via === 'libpcap') throw bpfError(expr, `${libpcapWhy}; install libpcap (Debian: libpcap0.8)`);
    }
  }
  const r = viaTcpdump(expr, linkType, snapLen);
  if (typeof r !== 'string') return r;
  if (via === 'tcpdump') throw bpfError(expr, `${r}; install tcpdump`);
  throw bpfError(expr, `no BPF compiler: ${libpcapWhy}, ${r}; install libpcap (Debian: libpcap0.8) or tcpdump`);
}
