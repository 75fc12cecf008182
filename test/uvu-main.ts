// Loads the test files given on the command line into one uvu run (see test/run.mjs).
import { pathToFileURL } from 'node:url';
import { relative } from 'node:path';

const g = globalThis as unknown as { UVU_DEFER: number; UVU_QUEUE: unknown[][]; UVU_INDEX: number };
g.UVU_DEFER = 1;
g.UVU_QUEUE = [];
const uvu = await import('uvu');
let idx = 0;
for (const file of process.argv.slice(2)) {
  g.UVU_INDEX = idx++;
  g.UVU_QUEUE.push([relative(process.cwd(), file)]);
  await import(pathToFileURL(file).href);
}
await uvu.exec(false);
