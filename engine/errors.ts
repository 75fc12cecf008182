// Typed errors a person sees: config, I/O and capture-format failures. Bad packets never throw.

/** An error with a stable machine-readable `code` (e.g. KWIRE_ERR_PCAP_MAGIC). */
export class KwireError extends Error {
  readonly code: string;
  /** File the error is about, when there is one. */
  readonly file: string | undefined;
  /** Byte offset in that file where the fault was found. */
  readonly offset: number | undefined;

  constructor(code: string, message: string, file?: string, offset?: number) {
    const where = file === undefined ? '' : offset === undefined ? `${file}: ` : `${file} at byte ${offset}: `;
    super(where + message);
    this.name = 'KwireError';
    this.code = code;
    this.file = file;
    this.offset = offset;
  }
}

/** Exit codes of the CLI. */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_USAGE = 2;
