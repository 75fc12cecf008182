// Line sink for NDJSON and text records: batches lines into large writes, honours the stream's
// backpressure, and turns a dead output (EPIPE, disk full) into a counted, reported failure.

import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { KwireError } from '../errors.js';

const FLUSH_BYTES = 256 * 1024;

export class LineSink {
  private readonly stream: Writable;
  private readonly name: string;
  private readonly ownsStream: boolean;
  private buf: string[] = [];
  private bufBytes = 0;
  /** Lines accepted; lines the stream confirmed written; lines refused after the output died. */
  written = 0;
  confirmed = 0;
  dropped = 0;
  /** The error that killed the output, if it died. */
  failure: Error | null = null;

  constructor(stream: Writable, name: string, ownsStream: boolean) {
    this.stream = stream;
    this.name = name;
    this.ownsStream = ownsStream;
    stream.on('error', (e: Error) => { this.failure ??= e; });
  }

  /** A sink on a file path, or on stdout for '-'. */
  static open(path: string): LineSink {
    if (path === '-') return new LineSink(process.stdout, 'stdout', false);
    return new LineSink(createWriteStream(path, { flags: 'w' }), path, true);
  }

  /** Queue one line (without its newline). Call `drain()` between batches. */
  write(line: string): void {
    if (this.failure !== null) { this.dropped++; return; }
    this.buf.push(line);
    this.bufBytes += line.length + 1;
    this.written++;
  }

  /** True when enough is queued that the caller should `drain()` before the next batch. */
  get full(): boolean {
    return this.bufBytes >= FLUSH_BYTES;
  }

  /** Hand queued lines to the stream and wait while the stream applies backpressure. */
  async drain(): Promise<void> {
    if (this.buf.length === 0 || this.failure !== null) return;
    const chunk = this.buf.join('\n') + '\n';
    const lines = this.buf.length;
    this.buf = [];
    this.bufBytes = 0;
    const ok = this.stream.write(chunk, (err) => { if (!err) this.confirmed += lines; });
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = (): void => { this.stream.off('drain', done); this.stream.off('error', done); this.stream.off('close', done); resolve(); };
        this.stream.once('drain', done);
        this.stream.once('error', done);
        this.stream.once('close', done);
      });
    }
  }

  /** Flush and close (files) or flush (stdout). Throws KWIRE_ERR_SINK if the output died. */
  async close(): Promise<void> {
    await this.drain();
    if (this.ownsStream) {
      await new Promise<void>((resolve) => this.stream.end(resolve));
    } else if (this.failure === null) {
      await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
    }
    if (this.failure !== null) {
      const lost = this.written + this.dropped - this.confirmed;
      throw new KwireError('KWIRE_ERR_SINK', `output ${this.name} failed (${this.failure.message}): ${this.confirmed} record(s) written, ${lost} lost`);
    }
  }
}
