// Classic libpcap reader for the derive scripts (https://www.tcpdump.org/manpages/pcap-savefile.5.html):
// both byte orders, µs and ns magic. Whole file in memory: the sources are a few KB.

import { readFileSync } from 'node:fs';
import { KwireError } from '../../engine/errors.js';

export interface SourceFrame {
  /** Capture time in ns since the first frame of the file. */
  tNs: number;
  /** 1-based frame number in the file, as tshark counts. */
  frame: number;
  /** Link-layer bytes; a view into the file's buffer, valid as long as the caller keeps it. */
  data: Uint8Array;
}

/**
 * Reads every frame of a classic pcap with LINKTYPE_ETHERNET; throws a KwireError on anything else,
 * and on a frame cut by the snap length unless `allowCut` (then `data` is the captured part).
 */
export function readPcap(path: string, allowCut = false): SourceFrame[] {
  const b = readFileSync(path);
  if (b.length < 24) throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', 'shorter than a pcap header', path);
  const magicLe = b.readUInt32LE(0);
  let le: boolean;
  let nsRes: boolean;
  if (magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d) {
    le = true;
    nsRes = magicLe === 0xa1b23c4d;
  } else if (b.readUInt32BE(0) === 0xa1b2c3d4 || b.readUInt32BE(0) === 0xa1b23c4d) {
    le = false;
    nsRes = b.readUInt32BE(0) === 0xa1b23c4d;
  } else {
    throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', 'not a classic pcap (pick a pcap source, not pcapng)', path, 0);
  }
  const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  if (u32(20) !== 1) throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', `link type ${u32(20)}, only Ethernet (1) is supported`, path, 20);
  const frames: SourceFrame[] = [];
  let sec0 = -1;
  let frac0 = 0;
  for (let p = 24; p < b.length;) {
    if (p + 16 > b.length) throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', 'record header cut short', path, p);
    const caplen = u32(p + 8);
    if (caplen !== u32(p + 12) && !allowCut) throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', 'frame cut by the snap length', path, p);
    if (p + 16 + caplen > b.length) throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', 'record cut short', path, p);
    const sec = u32(p);
    const frac = u32(p + 4) * (nsRes ? 1 : 1000);
    if (sec0 < 0) {
      sec0 = sec;
      frac0 = frac;
    }
    // Relative first: absolute nanoseconds do not fit a double exactly.
    frames.push({ tNs: (sec - sec0) * 1e9 + frac - frac0, frame: frames.length + 1, data: new Uint8Array(b.buffer, b.byteOffset + p + 16, caplen) });
    p += 16 + caplen;
  }
  return frames;
}
