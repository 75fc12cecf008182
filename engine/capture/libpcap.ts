// Live capture through libpcap with the `cap` npm binding (main thread only): frames are copied
// from cap's one packet Buffer into pooled FrameBatches (batch.ts), so the packet path is the file path.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import { KwireError } from '../errors.js';
import { META_STRIDE, M_CAPLEN, M_FLAGS, M_IFACE, M_LINKTYPE, M_OFFSET, M_ORIGLEN, M_TS_NSEC, M_TS_SEC, type CaptureInterface, type FrameBatch } from './batch.js';
import type { LiveSource, LiveSourceOptions, LiveSourceStats } from './live-source.js';
import { loadAfPacketAddon, type AddonPaths, type AfPacketAddon } from '../../native/addon.js';
import { openedPacketSocket, snapshotPacketSockets, type PacketSocketCounters } from '../../native/socket-stats.js';
import { ERR_CAPTURE_BPF, ERR_CAPTURE_IFACE, ERR_CAPTURE_IO, ERR_CAPTURE_OPTION, ERR_CAPTURE_PERM, NEEDS_CAP_NET_RAW } from './live-faults.js';

/** What kwire uses of cap 0.2 (node_modules/cap/src/binding.cc). */
interface CapHandle extends EventEmitter {
  /** Opens the device; returns the link type name. cap copies each packet into `buffer` and emits ('packet', nbytes, truncated). */
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): boolean;
}
interface CapModule {
  Cap: (new () => CapHandle) & { deviceList(): { name: string }[] };
}

export interface LibpcapOptions extends LiveSourceOptions {
  /** Kernel buffer (libpcap's TPACKET_V3 ring) per interface, bytes (default 32 MiB). */
  bufferSize?: number;
  /** Bytes of one batch (default 4 MiB) and frames in it at most (default 16384). */
  batchBytes?: number;
  batchFrames?: number;
  /** Batches in the pool (default 8): one filling, the rest with the consumer or free. */
  poolSize?: number;
  /** Batch buffers on SharedArrayBuffers, for worker threads that read them in place. */
  shared?: boolean;
  /** Where the addon that reads the kernel counters lives (tests); default native/build. */
  native?: AddonPaths;
}

const LINK_TYPES: Record<string, number> = { NULL: 0, ETHERNET: 1, RAW: 101, IEEE802_11_RADIO: 127, LINKTYPE_LINUX_SLL: 113 };

/**
 * Caps that were ever created are kept here for the life of the process, never collected:
 * - a failed one: cap's destructor stops a uv_poll handle that the failed open() never started, so
 *   it must be neither reused, closed nor collected;
 * - a closed one: cap's close() stops its uv_poll handle but never uv_close()s it, so the handle
 *   stays in the event loop's handle list; collecting the Cap would free it while listed (heap
 *   corruption, seen as "free(): invalid pointer" at exit). Kept without listeners: a few hundred bytes.
 */
const retainedCaps: CapHandle[] = [];

/** Closes a Cap that opened and keeps it from the collector (see retainedCaps). */
function closeCap(c: CapHandle): void {
  c.close();
  c.removeAllListeners('packet');
  retainedCaps.push(c);
}

let capModule: CapModule | null | undefined;
let capLoadError = '';

/** The cap binding, or null with the reason in `libpcapUnavailable()`. */
function loadCap(): CapModule | null {
  if (capModule === undefined) {
    try {
      capModule = createRequire(import.meta.url)('cap') as CapModule;
    } catch (e) {
      capModule = null;
      capLoadError = (e as Error).message.split('\n')[0];
    }
  }
  return capModule;
}

/** Why the libpcap backend cannot run here, or '' when it can. */
export function libpcapUnavailable(): string {
  return loadCap() === null ? `the cap module did not load (${capLoadError}); install libpcap-dev and run npm rebuild cap` : '';
}

/** Interface names libpcap can open (pcap_findalldevs), 'any' included. */
export function libpcapDevices(): string[] {
  const cap = loadCap();
  return cap === null ? [] : cap.Cap.deviceList().map((d) => d.name);
}

function sysfsCounter(name: string, counter: string): number {
  try {
    const n = Number(readFileSync(`/sys/class/net/${name}/statistics/${counter}`, 'utf8'));
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}

/**
 * What libpcap 1.10 counts as ps_ifdrop (pcap-linux.c linux_if_drops): the interface's
 * rx_missed_errors + rx_fifo_errors, drops by the NIC and driver (not the stack's rx_dropped);
 * 0 when unknown ('any').
 */
function ifaceDropped(name: string): number {
  return name === 'any' ? 0 : sysfsCounter(name, 'rx_missed_errors') + sysfsCounter(name, 'rx_fifo_errors');
}

/** The addon that reads libpcap's socket counters, or null with the reason noted on the source. */
function counterAddon(src: { kernelCountersUnavailable: string }, paths?: AddonPaths): AfPacketAddon | null {
  try {
    return loadAfPacketAddon(paths);
  } catch (e) {
    src.kernelCountersUnavailable = (e as Error).message;
    return null;
  }
}

function newBatch(bytes: number, frames: number, shared: boolean): FrameBatch {
  const metaBytes = frames * META_STRIDE * 4;
  return {
    data: new Uint8Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)),
    meta: new Uint32Array(shared ? new SharedArrayBuffer(metaBytes) : new ArrayBuffer(metaBytes)),
    count: 0, firstFrame: 1, sourceOffset: 0,
  };
}

const EMPTY: FrameBatch = { data: new Uint8Array(0), meta: new Uint32Array(0), count: 0, firstFrame: 1, sourceOffset: 0 };

/**
 *   cap Buffer (one per interface, 65535 B) ──copy──▶ filling batch ──next()──▶ consumer ──recycle()──▶ free
 *                                                         │ full                                         │
 *                                                         └──▶ ready queue ◀──────── free pool ◀─────────┘
 * Packets arrive only between our own turns of the event loop (cap runs pcap_dispatch from a uv_poll
 * callback), so the batch a consumer holds is never written to.
 */
export class LibpcapSource implements LiveSource {
  readonly backend = 'libpcap' as const;
  readonly interfaces: CaptureInterface[] = [];
  private readonly caps: CapHandle[] = [];
  /** Each interface's packet Buffer: cap writes through a raw pointer, so it must stay referenced. */
  private readonly buffers: Buffer[] = [];
  /** Views of each packet Buffer by length, made once: copying a frame allocates nothing. */
  private readonly views: Uint8Array[][] = [];
  private readonly free: FrameBatch[] = [];
  private readonly ready: FrameBatch[] = [];
  private filling: FrameBatch;
  private fillBytes = 0;
  private readonly frames: number;
  private nextFrame = 1;
  private closed = false;
  private waiter: ((b: FrameBatch | null) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private wakeQueued = false;
  private readonly wake = (): void => this.handOut();
  private readonly timeout = (): void => { this.timer = null; this.handOut(); };
  private readonly ifDropped0: number[] = [];
  /** Each interface's libpcap socket counters (null: not found, see kernelCountersUnavailable). */
  private readonly sockets: (PacketSocketCounters | null)[] = [];
  private readonly addon: AfPacketAddon | null;
  /** Why the kernel's counters cannot be read ('' when they are): stats() then reports kernelCounters false. */
  kernelCountersUnavailable = '';
  private readonly counters: LiveSourceStats = { packets: 0, bytes: 0, kernelPackets: 0, kernelDrops: 0, ifaceDrops: 0, batchDrops: 0, kernelCounters: false };

  /** Opens every interface (throws a KwireError naming the cause and the fix; nothing stays open then). */
  constructor(opts: LibpcapOptions) {
    const cap = loadCap();
    if (cap === null) throw new KwireError('KWIRE_ERR_LIBPCAP_UNAVAILABLE', `--capture libpcap: ${libpcapUnavailable()}`);
    const batchBytes = opts.batchBytes ?? 4 << 20;
    this.frames = opts.batchFrames ?? 16384;
    const snap = Math.min(opts.snapLen ?? 65535, 65535);
    if (batchBytes < snap) throw new KwireError(ERR_CAPTURE_OPTION, `batch of ${batchBytes} bytes cannot hold a ${snap}-byte frame`);
    for (let i = 0; i < (opts.poolSize ?? 8); i++) this.free.push(newBatch(batchBytes, this.frames, opts.shared === true));
    this.filling = this.free.pop()!;
    this.addon = counterAddon(this, opts.native);
    const devices = libpcapDevices();
    try {
      for (const name of opts.ifaces) {
        if (!devices.includes(name)) {
          throw new KwireError(ERR_CAPTURE_IFACE, `no interface "${name}" to capture on (available: ${devices.join(', ')})`);
        }
        this.openOne(cap, name, opts.bpf, opts.bufferSize ?? 32 << 20, snap);
      }
    } catch (e) {
      for (const c of this.caps) closeCap(c);
      throw e;
    }
  }

  private openOne(cap: CapModule, name: string, bpf: string, bufferSize: number, snap: number): void {
    const buffer = Buffer.alloc(snap);
    const handle = new cap.Cap();
    const before = this.addon === null ? null : snapshotPacketSockets(this.addon);
    let linkName: string;
    try {
      linkName = handle.open(name, bpf, bufferSize, buffer);
    } catch (e) {
      retainedCaps.push(handle);
      throw this.openError(cap, name, bpf, bufferSize, (e as Error).message);
    }
    const index = this.interfaces.length;
    const unknown = /^Unknown linktype (\d+)$/.exec(linkName);
    const linkType = LINK_TYPES[linkName] ?? (unknown ? Number(unknown[1]) : 1);
    this.interfaces.push({ name, linkType, snapLen: snap });
    this.caps.push(handle);
    this.buffers.push(buffer);
    this.views.push([]);
    this.ifDropped0.push(ifaceDropped(name));
    this.sockets.push(this.findSocket(name, before));
    handle.on('packet', (nbytes: number, truncated: boolean) => this.onPacket(index, linkType, nbytes, truncated));
  }

  /** The AF_PACKET socket libpcap opened for `name` (the one that appeared across cap's open). */
  private findSocket(name: string, before: Set<string> | null): PacketSocketCounters | null {
    if (this.addon === null || before === null) return null;
    const ifindex = name === 'any' ? 0 : this.addon.interfaces().find((i) => i.name === name)?.index ?? -1;
    const found = openedPacketSocket(this.addon, before, ifindex);
    if (typeof found !== 'string') return found;
    if (this.kernelCountersUnavailable === '') this.kernelCountersUnavailable = `${name}: ${found}`;
    return null;
  }

  /** Name the cause of a failed open; a BPF fault is told apart by opening again without the filter. */
  private openError(cap: CapModule, name: string, bpf: string, bufferSize: number, msg: string): KwireError {
    if (/permission|not permitted|EPERM|EACCES/i.test(msg)) {
      return new KwireError(ERR_CAPTURE_PERM, `capturing on ${name} ${NEEDS_CAP_NET_RAW}, and CAP_NET_ADMIN for promiscuous mode: ` +
        `setcap cap_net_raw,cap_net_admin+eip on node, or in Kubernetes securityContext.capabilities.add: [NET_RAW, NET_ADMIN] (libpcap: ${msg})`);
    }
    if (/no such device/i.test(msg)) {
      return new KwireError(ERR_CAPTURE_IFACE, `no interface "${name}" to capture on (available: ${libpcapDevices().join(', ')}) (libpcap: ${msg})`);
    }
    if (bpf !== '') {
      const probe = new cap.Cap();
      let filterAlone = false;
      try {
        probe.open(name, '', bufferSize, Buffer.alloc(64));
        closeCap(probe);
        filterAlone = true;
      } catch {
        retainedCaps.push(probe);
      }
      if (filterAlone) return new KwireError(ERR_CAPTURE_BPF, `bad --bpf filter "${bpf}": ${msg}`);
    }
    return new KwireError(ERR_CAPTURE_IO, `cannot capture on ${name}: ${msg}`);
  }

  private onPacket(iface: number, linkType: number, nbytes: number, truncated: boolean): void {
    let b = this.filling;
    if (b.count === this.frames || this.fillBytes + nbytes > b.data.length) {
      const next = this.free.pop();
      if (next === undefined) { this.counters.batchDrops++; return; }
      this.ready.push(b);
      b = this.filling = next;
      b.count = 0;
      this.fillBytes = 0;
    }
    const views = this.views[iface];
    let src = views[nbytes];
    if (src === undefined) src = views[nbytes] = this.buffers[iface].subarray(0, nbytes);
    const off = this.fillBytes;
    b.data.set(src, off);
    const t = performance.timeOrigin + performance.now(); // receive time: cap does not pass pcap's timestamp
    const sec = Math.floor(t / 1000);
    const m = b.count * META_STRIDE;
    const meta = b.meta;
    meta[m + M_OFFSET] = off;
    meta[m + M_CAPLEN] = nbytes;
    // cap passes no wire length: a frame cut by cap's buffer is marked one byte longer than kept
    meta[m + M_ORIGLEN] = truncated ? nbytes + 1 : nbytes;
    meta[m + M_LINKTYPE] = linkType;
    meta[m + M_IFACE] = iface;
    meta[m + M_TS_SEC] = sec;
    meta[m + M_TS_NSEC] = Math.floor((t - sec * 1000) * 1e6);
    meta[m + M_FLAGS] = 0;
    b.count++;
    this.fillBytes = off + ((nbytes + 7) & ~7);
    this.counters.packets++;
    this.counters.bytes += nbytes;
    if (this.waiter !== null && !this.wakeQueued) {
      // let cap drain what the kernel has first (its loop runs to empty), then hand out one batch
      this.wakeQueued = true;
      setImmediate(this.wake);
    }
  }

  /** Take the oldest full batch, else the filling one when it has frames, else null. */
  private take(): FrameBatch | null {
    let b = this.ready.shift();
    if (b === undefined) {
      if (this.filling.count === 0) return null;
      const next = this.free.pop();
      if (next === undefined) return null; // the consumer holds every batch: keep filling this one
      b = this.filling;
      this.filling = next;
      next.count = 0;
      this.fillBytes = 0;
    }
    b.firstFrame = this.nextFrame;
    this.nextFrame += b.count;
    return b;
  }

  private handOut(): void {
    this.wakeQueued = false;
    const resolve = this.waiter;
    if (resolve === null) return;
    const b = this.take();
    if (b === null && this.timer !== null) return; // woken without a batch: keep waiting
    this.waiter = null;
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    resolve(this.closed ? null : b ?? EMPTY);
  }

  next(waitMs: number): Promise<FrameBatch | null> {
    if (this.closed) return Promise.resolve(null);
    if (this.waiter !== null) throw new KwireError(ERR_CAPTURE_IO, 'LibpcapSource.next() called while a next() is pending');
    const b = this.take();
    if (b !== null) return Promise.resolve(b);
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.timer = setTimeout(this.timeout, waitMs);
    });
  }

  recycle(batch: FrameBatch): void {
    if (batch === EMPTY || batch.data.byteLength === 0) return;
    batch.count = 0;
    this.free.push(batch);
  }

  /**
   * pcap_stats() of every interface, summed: kernelPackets = ps_recv, kernelDrops = ps_drop (read
   * from libpcap's socket, counted from the open), ifaceDrops = ps_ifdrop. Without the addon, or if
   * a socket was not found or went away, kernelCounters is false and kernelPackets counts what
   * libpcap delivered (kernelDrops 0).
   */
  stats(): LiveSourceStats {
    const c = this.counters;
    let ifDrops = 0;
    this.interfaces.forEach((i, k) => { ifDrops += ifaceDropped(i.name) - this.ifDropped0[k]; });
    c.ifaceDrops = ifDrops;
    if (!this.closed) this.readSockets();
    let kp = 0;
    let kd = 0;
    let all = this.sockets.length > 0;
    for (const s of this.sockets) {
      if (s === null || s.lost) { all = false; continue; }
      kp += s.packets;
      kd += s.drops;
    }
    c.kernelCounters = all;
    c.kernelPackets = all ? kp : c.packets + c.batchDrops;
    c.kernelDrops = all ? kd : 0;
    return { ...c };
  }

  private readSockets(): void {
    for (const s of this.sockets) {
      if (s !== null && !s.read() && this.kernelCountersUnavailable === '') {
        this.kernelCountersUnavailable = `libpcap's packet socket ${s.fd} went away while capturing`;
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.readSockets(); // last read: the sockets close with the Caps
    this.closed = true;
    for (const c of this.caps) closeCap(c);
    if (this.waiter !== null) {
      if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
      const resolve = this.waiter;
      this.waiter = null;
      resolve(null);
    }
  }
}
