// Where tests find things: the repository root and the shared real captures beside it (../shared).

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
/** ../shared/pcaps: MANIFEST.tsv, sni_truth.tsv, dns_truth.tsv, files/. Read in place, never copied. */
export const SHARED_PCAPS = join(ROOT, '..', 'shared', 'pcaps');
export const SHARED_FILES = join(SHARED_PCAPS, 'files');
