// Native live capture: LiveSource over AF_PACKET TPACKET_V3 mmap rings (native/src, Linux).
// One ring per interface ('any' = one ring on every interface); each retired kernel block is
// copied into the batch in one pass and handed straight back to the kernel.

import { KwireError } from '../errors.js';
import { loadAfPacketAddon, type AddonPaths, type AfPacketAddon, type NativeRing, type NetIface } from '../../native/addon.js';
import { compileBpf, type BpfCompiler } from '../../native/bpf-compile.js';
import { META_STRIDE, M_CAPLEN, M_OFFSET, type CaptureInterface, type FrameBatch } from './batch.js';
import type { LiveSource, LiveSourceOptions, LiveSourceStats } from './live-source.js';
import {
  ERR_CAPTURE_IFACE, ERR_CAPTURE_IO, ERR_CAPTURE_OPTION, ERR_CAPTURE_PERM, NEEDS_CAP_NET_RAW,
} from './live-faults.js';

/** PACKET_FANOUT membership: every socket of the same group (in one network namespace) shares the traffic. */
export interface FanoutOptions {
  /** Group id, 0..65535; the sockets of all workers use the same one. */
  group: number;
  /** 'hash' (default: flow hash, both directions of a flow on one socket), 'lb' round robin, 'cpu'. */
  mode?: 'hash' | 'lb' | 'cpu';
  /** Reassemble IP fragments before hashing so all fragments reach one socket (default true). */
  defrag?: boolean;
}

export interface AfPacketOptions extends LiveSourceOptions {
  /** Bytes per ring block: a power of two, multiple of 4096 (default 1 MiB). */
  blockSize?: number;
  /** Blocks per ring (default 32: 32 MiB per interface per worker). */
  blockCount?: number;
  /** TPACKET frame size (only validated by the kernel with TPACKET_V3; default 2048). */
  frameSize?: number;
  /** A partly filled block is handed to user space after this many ms (default 10). */
  retireMs?: number;
  fanout?: FanoutOptions;
  /** Network namespace file to capture in (/var/run/netns/NAME, /proc/PID/ns/net); needs CAP_SYS_ADMIN. */
  netns?: string;
  /** Bytes of each batch buffer (default 4 MiB). */
  batchBytes?: number;
  /** Frames per batch at most (default batchBytes / 64). */
  batchFrames?: number;
  /** Batch buffers on SharedArrayBuffers, for worker threads that read them in place. */
  shared?: boolean;
  bpfCompiler?: BpfCompiler;
  /** Addon and build log location (tests); default native/build/Release and native/build.log. */
  native?: AddonPaths;
}

const PAGE = 4096;
const MAX_SNAPLEN = 262144;
const LINKTYPE_ETHERNET = 1;
const POOL_MAX = 8;

function option(msg: string): KwireError {
  return new KwireError(ERR_CAPTURE_OPTION, msg);
}

function isPow2(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** Maps a failure of `new Ring()` (code, syscall from the addon) to a KwireError saying the fix. */
function ringError(e: unknown, iface: string, opts: AfPacketOptions): KwireError {
  const err = e as Error & { code?: string; syscall?: string };
  const where = opts.netns ? `${iface} in ${opts.netns}` : iface;
  if (err.code === 'EPERM' || err.code === 'EACCES') {
    const extra = opts.netns && err.syscall?.startsWith('setns') ? ' and CAP_SYS_ADMIN to enter a network namespace' : '';
    return new KwireError(ERR_CAPTURE_PERM, `AF_PACKET capture on ${where} ${NEEDS_CAP_NET_RAW}${extra}; e.g. setcap cap_net_raw,cap_net_admin+eip "$(command -v node)" (${err.message})`);
  }
  if (err.code === 'ENODEV') return new KwireError(ERR_CAPTURE_IFACE, `interface ${where} disappeared while opening it (${err.message})`);
  if (err.code === 'ENOENT' && err.syscall?.startsWith('open network namespace')) return new KwireError(ERR_CAPTURE_IFACE, `network namespace ${opts.netns} does not exist`);
  if (err.syscall === 'PACKET_RX_RING' || err.syscall === 'mmap ring') {
    return option(`ring of ${opts.blockCount ?? 32} × ${opts.blockSize ?? 1 << 20} bytes refused by the kernel on ${where} (${err.message}): lower blockSize/blockCount`);
  }
  if (err.syscall === 'PACKET_FANOUT') return option(`PACKET_FANOUT group ${opts.fanout?.group} refused on ${where} (${err.message}): the group exists with another mode or interface`);
  return new KwireError(ERR_CAPTURE_IO, `AF_PACKET capture on ${where} failed at ${err.syscall ?? 'open'}: ${err.message}`);
}

/** A LiveSource on AF_PACKET rings. Use `openAfPacket()`. One `next()` at a time. */
export class AfPacketSource implements LiveSource {
  readonly backend = 'native' as const;
  readonly interfaces: CaptureInterface[] = [];
  private readonly rings: NativeRing[] = [];
  /** Interface-table index of each ring's slot 0 (single-interface rings) or -1 for the 'any' ring. */
  private readonly ringBase: number[] = [];
  private readonly snapLen: number;
  private readonly batchBytes: number;
  private readonly batchFrames: number;
  private readonly shared: boolean;
  private readonly pool: FrameBatch[] = [];
  private readonly statBuf = new Float64Array(5);
  private closed = false;
  private frames = 0;
  private bytes = 0;
  private waiter: ((v: void) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly ringNames: string[] = [];
  /** The last wait ended by a ring's poll (not the timer). */
  private polled = false;
  private readonly onReadable = (): void => { this.polled = true; this.wake(); };
  private readonly onTimeout = (): void => { this.timer = null; this.wake(); };

  /** @internal use openAfPacket() */
  constructor(addon: AfPacketAddon, opts: AfPacketOptions, names: string[], nets: NetIface[]) {
    this.snapLen = opts.snapLen ?? 65535;
    this.batchBytes = opts.batchBytes ?? 4 << 20;
    this.batchFrames = opts.batchFrames ?? Math.max(1, Math.floor(this.batchBytes / 64));
    this.shared = opts.shared === true;
    const c = addon.constants;
    const fanoutMode = opts.fanout === undefined ? undefined
      : (opts.fanout.mode === 'lb' ? c.FANOUT_LB : opts.fanout.mode === 'cpu' ? c.FANOUT_CPU : c.FANOUT_HASH)
        | (opts.fanout.defrag === false ? 0 : c.FANOUT_FLAG_DEFRAG);
    for (const name of names) {
      const any = name === 'any';
      const linkType = any ? LINKTYPE_ETHERNET : nets.find((n) => n.name === name)!.linkType;
      const filter = opts.bpf === '' ? undefined : compileBpf(addon, opts.bpf, linkType, this.snapLen, opts.bpfCompiler);
      let ring: NativeRing;
      try {
        ring = new addon.Ring({
          iface: name, netns: opts.netns, blockSize: opts.blockSize ?? 1 << 20, blockCount: opts.blockCount ?? 32,
          frameSize: opts.frameSize ?? 2048, retireMs: opts.retireMs ?? 10, snapLen: this.snapLen,
          promiscuous: opts.promiscuous, fanoutGroup: opts.fanout?.group, fanoutMode, filter,
        }, this.onReadable);
      } catch (e) {
        for (const r of this.rings) r.close();
        throw ringError(e, name, opts);
      }
      this.rings.push(ring);
      this.ringNames.push(opts.netns ? `${name} in ${opts.netns}` : name);
      this.ringBase.push(any ? -1 : this.interfaces.length);
      if (!any) this.interfaces.push({ name, linkType, snapLen: this.snapLen });
    }
  }

  async next(waitMs: number): Promise<FrameBatch | null> {
    if (this.closed) return null;
    const b = this.pool.pop() ?? this.newBatch();
    let n = this.fill(b);
    if (n === 0 && waitMs > 0) {
      const start = Date.now();
      await this.wait(waitMs, true);
      if (this.closed) return null;
      n = this.fill(b);
      if (n === 0 && this.polled) {
        // Woken without data: a pending socket error (interface down or removed). Clear it, end the
        // capture if the interface is gone, else sleep out the wait without polling.
        this.checkInterfaces(b);
        const left = waitMs - (Date.now() - start);
        if (left > 0) await this.wait(left, false);
        if (this.closed) return null;
        n = this.fill(b);
      }
    }
    b.count = n;
    b.firstFrame = this.frames + 1;
    this.frames += n;
    if (n > 0) this.bytes += b.meta[(n - 1) * META_STRIDE + M_OFFSET] + b.meta[(n - 1) * META_STRIDE + M_CAPLEN];
    b.sourceOffset = this.bytes;
    return b;
  }

  recycle(batch: FrameBatch): void {
    // A batch transferred to a worker comes back detached (0 bytes): drop it, the pool makes another.
    if (batch.data.byteLength === this.batchBytes && this.pool.length < POOL_MAX) this.pool.push(batch);
  }

  stats(): LiveSourceStats {
    const s: LiveSourceStats = { packets: 0, bytes: 0, kernelPackets: 0, kernelDrops: 0, ifaceDrops: 0, batchDrops: 0 };
    for (const r of this.rings) {
      r.stats(this.statBuf);
      s.packets += this.statBuf[0];
      s.bytes += this.statBuf[1];
      s.kernelPackets += this.statBuf[2];
      s.kernelDrops += this.statBuf[3];
    }
    return s;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.rings) r.close();
    this.wake();
  }

  private newBatch(): FrameBatch {
    const metaBytes = this.batchFrames * META_STRIDE * 4;
    const sab = this.shared;
    return {
      data: new Uint8Array(sab ? new SharedArrayBuffer(this.batchBytes) : new ArrayBuffer(this.batchBytes)),
      meta: new Uint32Array(sab ? new SharedArrayBuffer(metaBytes) : new ArrayBuffer(metaBytes)),
      count: 0, firstFrame: 0, sourceOffset: 0,
    };
  }

  /** Fills `b` from every ring in turn (several interfaces: one ring each, into one batch). */
  private fill(b: FrameBatch): number {
    if (this.rings.length === 1) {
      const n = this.rings[0].fill(b.data, b.meta);
      if (this.ringBase[0] < 0) this.learnInterfaces(this.rings[0]);
      return n;
    }
    let n = 0;
    let used = 0;
    for (let i = 0; i < this.rings.length; i++) {
      const data = b.data.subarray(used);
      const meta = b.meta.subarray(n * META_STRIDE);
      const got = this.rings[i].fill(data, meta);
      if (got === 0) continue;
      const base = this.ringBase[i];
      for (let f = 0; f < got; f++) {
        meta[f * META_STRIDE + M_OFFSET] += used;
        meta[f * META_STRIDE + 4] = base;
      }
      used = meta[(got - 1) * META_STRIDE + M_OFFSET] + meta[(got - 1) * META_STRIDE + M_CAPLEN];
      n += got;
    }
    return n;
  }

  /** The 'any' ring numbers interfaces in order of first sight: mirror new ones into `interfaces`. */
  private learnInterfaces(ring: NativeRing): void {
    const count = ring.ifaceCount();
    while (this.interfaces.length < count) {
      const f = ring.iface(this.interfaces.length)!;
      this.interfaces.push({ name: f.name || `ifindex${f.ifindex}`, linkType: f.linkType, snapLen: this.snapLen });
    }
  }

  private wait(ms: number, poll: boolean): Promise<void> {
    this.polled = false;
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.timer = setTimeout(this.onTimeout, ms);
      if (poll) for (const r of this.rings) r.watch();
    });
  }

  /** Throws KWIRE_ERR_CAPTURE_IO when a ring's interface was removed (its socket reported ENETDOWN). */
  private checkInterfaces(b: FrameBatch): void {
    for (let i = 0; i < this.rings.length; i++) {
      const err = this.rings[i].takeError();
      if (err !== 0 && this.rings[i].ifaceGone()) {
        this.pool.push(b);
        throw new KwireError(ERR_CAPTURE_IO, `interface ${this.ringNames[i]} was removed; the capture ends after ${this.frames} frames`);
      }
    }
  }

  private wake(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.closed) for (const r of this.rings) r.unwatch();
    const w = this.waiter;
    this.waiter = null;
    if (w !== null) w();
  }
}

/**
 * Opens a native capture. Throws KwireError: KWIRE_ERR_NATIVE_UNAVAILABLE (addon not built: names the
 * build log and "install g++ and make"), KWIRE_ERR_CAPTURE_IFACE (lists the available interfaces),
 * KWIRE_ERR_CAPTURE_BPF (names the expression and the compiler's message), KWIRE_ERR_CAPTURE_PERM
 * (needs CAP_NET_RAW), KWIRE_ERR_CAPTURE_OPTION, KWIRE_ERR_CAPTURE_IO.
 */
export function openAfPacket(opts: AfPacketOptions): AfPacketSource {
  const addon = loadAfPacketAddon(opts.native);
  const snapLen = opts.snapLen ?? 65535;
  const blockSize = opts.blockSize ?? 1 << 20;
  const frameSize = opts.frameSize ?? 2048;
  if (!Number.isInteger(snapLen) || snapLen < 16 || snapLen > MAX_SNAPLEN) throw option(`snapLen ${snapLen} is outside 16..${MAX_SNAPLEN}`);
  if (!isPow2(blockSize) || blockSize < PAGE) throw option(`blockSize ${blockSize} must be a power of two of at least ${PAGE} bytes`);
  if (!Number.isInteger(frameSize) || frameSize < 64 || frameSize % 16 !== 0 || frameSize > blockSize) throw option(`frameSize ${frameSize} must be a multiple of 16 in 64..blockSize`);
  const blockCount = opts.blockCount ?? 32;
  if (!Number.isInteger(blockCount) || blockCount < 1) throw option(`blockCount ${blockCount} must be at least 1`);
  const retireMs = opts.retireMs ?? 10;
  if (!Number.isInteger(retireMs) || retireMs < 1 || retireMs > 60_000) throw option(`retireMs ${retireMs} is outside 1..60000`);
  const batchBytes = opts.batchBytes ?? 4 << 20;
  if (!Number.isInteger(batchBytes) || batchBytes < snapLen + 4) throw option(`batchBytes ${batchBytes} must hold one frame (snapLen + 4 = ${snapLen + 4})`);
  if (opts.fanout !== undefined && (!Number.isInteger(opts.fanout.group) || opts.fanout.group < 0 || opts.fanout.group > 0xffff)) {
    throw option(`fanout group ${opts.fanout.group} is outside 0..65535`);
  }
  if (opts.ifaces.length === 0) throw new KwireError(ERR_CAPTURE_IFACE, 'no interface given (name one, several separated by commas, or any)');
  let nets: NetIface[];
  try {
    nets = addon.interfaces(opts.netns);
  } catch (e) {
    throw ringError(e, opts.ifaces.join(','), opts);
  }
  const names = opts.ifaces.includes('any') ? ['any'] : [...new Set(opts.ifaces)];
  for (const name of names) {
    if (name !== 'any' && !nets.some((n) => n.name === name)) {
      const where = opts.netns ? ` in network namespace ${opts.netns}` : '';
      throw new KwireError(ERR_CAPTURE_IFACE, `no interface named "${name}"${where}; available: ${nets.map((n) => n.name).join(', ')}, any`);
    }
  }
  return new AfPacketSource(addon, opts, names, nets);
}
