// Typed loader of the AF_PACKET capture addon (native/src, built by native/build.mjs at install).
// Loading never crashes: a missing or broken build becomes KWIRE_ERR_NATIVE_UNAVAILABLE naming the
// build log's reason and the fix.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KwireError } from '../engine/errors.js';
import { ERR_NATIVE_UNAVAILABLE } from '../engine/capture/live-faults.js';

/** An interface of a network namespace, as if_nameindex(3) and SIOCGIFHWADDR see it. */
export interface NetIface {
  index: number;
  name: string;
  /** ARPHRD_* (1 Ethernet, 772 loopback, 65534 none), -1 if unknown. */
  hatype: number;
  /** LINKTYPE_* of its frames (0xFFFF for link headers kwire does not decode). */
  linkType: number;
}

/** Options of one ring, as the addon reads them (validated by engine/capture/afpacket.ts). */
export interface RingOptions {
  iface: string;
  netns?: string;
  blockSize: number;
  blockCount: number;
  frameSize: number;
  retireMs: number;
  snapLen: number;
  promiscuous: boolean;
  fanoutGroup?: number;
  fanoutMode?: number;
  /** sock_filter array (8 bytes per instruction, host byte order). */
  filter?: Uint8Array;
}

/** One TPACKET_V3 ring (native/src/ring-wrap.cc). All methods run on the thread that made it. */
export interface NativeRing {
  /** Copies retired frames into data/meta (META_STRIDE words each) from their starts; returns the frame count. */
  fill(data: Uint8Array, meta: Uint32Array): number;
  /** The block under the read cursor is ready (a memory read, no system call). */
  ready(): boolean;
  /** Calls the constructor's onReadable once when a block is ready; keeps the event loop alive until then. */
  watch(): void;
  unwatch(): void;
  /** Writes [packets, bytes, kernelPackets, kernelDrops, freezes] (cumulative) into out. */
  stats(out: Float64Array): void;
  ifaceCount(): number;
  iface(slot: number): { ifindex: number; name: string; hatype: number; linkType: number } | undefined;
  close(): void;
  /** The socket's pending error (SO_ERROR, cleared by reading; ENETDOWN = 100), 0 if none. */
  takeError(): number;
  /** The interface the ring is bound to no longer exists. */
  ifaceGone(): boolean;
}

export interface AfPacketAddon {
  interfaces(netns?: string): NetIface[];
  /** Throws an Error with code ENOLIBPCAP or EBPFSYNTAX. */
  compileFilter(expr: string, linkType: number, snapLen: number): Uint8Array;
  /** Every AF_PACKET socket open in this process (found through /proc/self/fd). */
  packetSockets(): { fd: number; ino: number; ifindex: number }[];
  /**
   * Reads and resets the PACKET_STATISTICS of socket `fd` (inode `ino`): writes [packets, drops,
   * freezes] counted since the previous read into out; false when `fd` is no longer that socket.
   */
  packetCounts(fd: number, ino: number, out: Float64Array): boolean;
  Ring: new (opts: RingOptions, onReadable: (status: number) => void) => NativeRing;
  constants: { FANOUT_HASH: number; FANOUT_LB: number; FANOUT_CPU: number; FANOUT_FLAG_ROLLOVER: number; FANOUT_FLAG_DEFRAG: number; META_STRIDE: number };
}

/** Where the addon and its build log live: native/ of the package, found from this file (source or dist). */
export function nativeDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'native', 'binding.gyp'))) return join(dir, 'native');
    if (existsSync(join(dir, 'binding.gyp'))) return dir;
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)));
}

export interface AddonPaths {
  addon: string;
  log: string;
}

export function defaultAddonPaths(): AddonPaths {
  const dir = nativeDir();
  return { addon: join(dir, 'build', 'Release', 'kwire_afpacket.node'), log: join(dir, 'build.log') };
}

let loaded: AfPacketAddon | undefined;

/** The last "kwire:" line of the build log (its verdict), or why there is none. */
function buildVerdict(log: string): string {
  if (!existsSync(log)) return `no build log at ${log} (the install script did not run: run \`node native/build.mjs\`)`;
  const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('kwire: '));
  const last = lines.length > 0 ? lines[lines.length - 1].slice(7).replace(/^FAILED: /, '') : 'the build did not finish';
  return `${last}; build log: ${log}`;
}

/**
 * Loads the addon once per thread (each worker_thread gets its own instance: the addon is
 * context-aware). Throws KwireError KWIRE_ERR_NATIVE_UNAVAILABLE with the build log's reason.
 */
export function loadAfPacketAddon(paths: AddonPaths = defaultAddonPaths()): AfPacketAddon {
  const usual = paths.addon === defaultAddonPaths().addon;
  if (usual && loaded !== undefined) return loaded;
  if (process.platform !== 'linux') {
    throw new KwireError(ERR_NATIVE_UNAVAILABLE, `native capture needs Linux (AF_PACKET); this is ${process.platform}: use --capture libpcap`);
  }
  if (!existsSync(paths.addon)) {
    throw new KwireError(ERR_NATIVE_UNAVAILABLE,
      `native capture addon is not built: ${buildVerdict(paths.log)}. Install g++ and make, then run \`node native/build.mjs\` (or use --capture libpcap)`);
  }
  try {
    const addon = createRequire(import.meta.url)(paths.addon) as AfPacketAddon;
    if (usual) loaded = addon;
    return addon;
  } catch (e) {
    throw new KwireError(ERR_NATIVE_UNAVAILABLE,
      `native capture addon ${paths.addon} does not load (${(e as Error).message}); rebuild it with \`node native/build.mjs\` (install g++ and make first); build log: ${paths.log}`);
  }
}
