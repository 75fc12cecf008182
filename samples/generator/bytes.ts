// A growable big-endian byte builder for application messages (TLS, DNS, HTTP), with nested
// length-prefixed blocks. Used when a conversation is set up, never per packet.

export class ByteWriter {
  private buf: Uint8Array;
  len = 0;

  /** @param sizeHint expected final length (the buffer grows past it if needed) */
  constructor(sizeHint = 256) {
    // Not zero-filled: every byte handed out by finish() has been written.
    this.buf = Buffer.allocUnsafe(sizeHint);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    this.ensure(3);
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.u16(v >>> 16);
    return this.u16(v & 0xffff);
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** Latin-1/ASCII text, one byte per character. */
  ascii(text: string): this {
    this.ensure(text.length);
    for (let i = 0; i < text.length; i++) this.buf[this.len++] = text.charCodeAt(i) & 0xff;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.len, this.len + n);
    this.len += n;
    return this;
  }

  /** Opens a block prefixed by its length in `width` bytes; close it with end(mark). */
  begin(width: 1 | 2 | 3): number {
    this.ensure(width);
    const mark = this.len * 4 + width;
    this.len += width;
    return mark;
  }

  end(mark: number): this {
    const width = mark & 3;
    const at = mark >>> 2;
    const n = this.len - at - width;
    for (let i = width - 1, v = n; i >= 0; i--, v = Math.floor(v / 256)) this.buf[at + i] = v & 0xff;
    return this;
  }

  /** The bytes written; the writer hands them over and must not be used afterwards. */
  finish(): Uint8Array {
    // A plain Uint8Array view (Buffer#subarray is much slower, and callers need no Buffer API).
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.len);
  }
}

const encoder = new TextEncoder();

/** UTF-8 bytes of `text` (all generated text is ASCII). */
export function ascii(text: string): Uint8Array {
  return encoder.encode(text);
}
