// Progress of a long offline run on a terminal: one line on stderr, redrawn a few times a second
// (bytes read of total, packets per second, alerts so far). Off a terminal there is no line.

const REDRAW_MS = 250;
const BAR = 24;

export interface ProgressSource {
  /** Bytes of the input consumed so far, and the total (undefined for a pipe). */
  bytes(): number;
  total: number | undefined;
  packets(): number;
  alerts(): number;
}

export class ProgressLine {
  private timer: NodeJS.Timeout | null = null;
  private readonly started = performance.now();
  private drawn = false;

  constructor(private readonly src: ProgressSource, private readonly out: NodeJS.WriteStream = process.stderr) {}

  /** Start redrawing when `out` is a terminal; a no-op otherwise. */
  start(): this {
    if (this.out.isTTY !== true) return this;
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
    this.timer.unref();
    this.draw();
    return this;
  }

  /** The line as it would be drawn now (without the carriage return). */
  render(now = performance.now()): string {
    const s = this.src;
    const secs = Math.max(1e-3, (now - this.started) / 1000);
    const pps = s.packets() / secs;
    const rate = pps >= 1e6 ? `${(pps / 1e6).toFixed(2)} Mpps` : `${Math.round(pps / 1e3)} kpps`;
    const mb = (n: number): string => `${(n / 1048576).toFixed(0)} MiB`;
    let head: string;
    if (s.total !== undefined && s.total > 0) {
      const frac = Math.min(1, s.bytes() / s.total);
      const fill = Math.round(frac * BAR);
      head = `[${'#'.repeat(fill)}${'.'.repeat(BAR - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${mb(s.bytes())}/${mb(s.total)}`;
    } else {
      head = `${mb(s.bytes())} read`;
    }
    return `${head}  ${s.packets()} packets  ${rate}  ${s.alerts()} alerts`;
  }

  private draw(): void {
    this.out.write(`\r${this.render()}\x1b[K`);
    this.drawn = true;
  }

  /** Stop and erase the line. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}
