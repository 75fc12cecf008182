// Chunked byte source: a capture file or stdin read with async fs.read on a raw file descriptor.

import * as fs from 'node:fs';
import { KwireError } from '../errors.js';
import { ERR_IO, ERR_NO_FILE } from './faults.js';

const STDIN_FD = 0;
/** Back-off when a non-blocking stdin has no data yet (EAGAIN). */
const EAGAIN_WAIT_MS = 2;

function readFd(fd: number, buf: Uint8Array, off: number, len: number, pos: number | null): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, off, len, pos, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

function ioError(path: string, err: unknown, what: string, offset?: number): KwireError {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return new KwireError(ERR_NO_FILE, 'no such file; check the path (use - for stdin)', path);
  return new KwireError(ERR_IO, `${what} failed: ${e.code ?? ''} ${e.message}`.trim(), path, offset);
}

/**
 * Reads a file (or stdin when path is '-') into caller-provided chunks. fill() loops over fs.read until
 * the chunk is full or the input ends, so a pipe (64 KiB per read) still fills a multi-MiB chunk.
 * stdin is read through fd 0 directly; process.stdin is never touched, so fd 0 stays blocking.
 */
export class ByteSource {
  readonly path: string;
  /** File size; undefined when the input is not a regular file (pipe, socket, tty). */
  readonly totalBytes: number | undefined;
  /** Bytes read so far. */
  bytesRead = 0;
  /** True once a read returned 0 bytes. */
  eof = false;
  private fd: number;
  private readonly positional: boolean;

  private constructor(path: string, fd: number, totalBytes: number | undefined, positional: boolean) {
    this.path = path;
    this.fd = fd;
    this.totalBytes = totalBytes;
    this.positional = positional;
  }

  /** Open `path` ('-' = stdin). Throws KwireError KWIRE_ERR_NO_FILE or KWIRE_ERR_IO. */
  static async open(path: string): Promise<ByteSource> {
    const stdin = path === '-';
    let fd = STDIN_FD;
    if (!stdin) {
      try {
        fd = await new Promise<number>((resolve, reject) => {
          fs.open(path, 'r', (err, f) => (err ? reject(err) : resolve(f)));
        });
      } catch (err) {
        throw ioError(path, err, 'open');
      }
    }
    let st: fs.Stats;
    try {
      st = await new Promise<fs.Stats>((resolve, reject) => {
        fs.fstat(fd, (err, s) => (err ? reject(err) : resolve(s)));
      });
    } catch (err) {
      if (!stdin) fs.close(fd, () => undefined);
      throw ioError(path, err, 'stat');
    }
    if (st.isDirectory()) {
      if (!stdin) fs.close(fd, () => undefined);
      throw new KwireError(ERR_IO, 'is a directory; give a pcap or pcapng file', path);
    }
    // A regular file opened by us is read with explicit positions; stdin (even a redirected file)
    // is read at its current position.
    return new ByteSource(path, fd, st.isFile() ? st.size : undefined, !stdin);
  }

  /**
   * Read into buf[off..] until it is full or the input ends; return the new fill level.
   * Returns `off` unchanged once eof is reached.
   */
  async fill(buf: Uint8Array, off: number): Promise<number> {
    while (off < buf.length && !this.eof) {
      let n: number;
      try {
        n = await readFd(this.fd, buf, off, buf.length - off, this.positional ? this.bytesRead : null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
          await new Promise((resolve) => setTimeout(resolve, EAGAIN_WAIT_MS));
          continue;
        }
        throw ioError(this.path, err, 'read', this.bytesRead);
      }
      if (n === 0) this.eof = true;
      off += n;
      this.bytesRead += n;
    }
    return off;
  }

  /** Close the file descriptor (stdin is left open). Safe to call twice. */
  async close(): Promise<void> {
    const fd = this.fd;
    this.fd = -1;
    this.eof = true;
    if (fd < 0 || fd === STDIN_FD && !this.positional) return;
    await new Promise<void>((resolve) => fs.close(fd, () => resolve()));
  }
}
