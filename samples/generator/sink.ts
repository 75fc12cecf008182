// Where generated chunks go: a file written synchronously (the chunk is reused right after), or
// stdout through its stream with backpressure (the chunk is copied first).

import { closeSync, openSync, writeSync } from 'node:fs';
import { KwireError } from '../../engine/errors.js';

export interface ChunkSink {
  /** Writes all of `chunk`; the caller may overwrite it as soon as the returned value settles. */
  write(chunk: Uint8Array): void | Promise<void>;
  close(): void | Promise<void>;
}

export class FileSink implements ChunkSink {
  private readonly fd: number;
  private readonly path: string;

  constructor(path: string) {
    this.path = path;
    try {
      this.fd = openSync(path, 'w');
    } catch (err) {
      throw new KwireError('KWIRE_ERR_SAMPLES_OUTPUT', `cannot open for writing (${(err as Error).message}); check that the directory exists and is writable`, path);
    }
  }

  write(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
  }

  close(): void {
    closeSync(this.fd);
  }

  toString(): string {
    return this.path;
  }
}

export class StdoutSink implements ChunkSink {
  write(chunk: Uint8Array): void | Promise<void> {
    const ok = process.stdout.write(Buffer.from(chunk));
    if (ok) return;
    return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
  }

  close(): Promise<void> {
    return new Promise((resolve) => process.stdout.write('', () => resolve()));
  }
}

/** Collects everything in memory; for tests and small captures. */
export class MemorySink implements ChunkSink {
  private readonly parts: Buffer[] = [];

  write(chunk: Uint8Array): void {
    this.parts.push(Buffer.from(chunk));
  }

  close(): void {}

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}
