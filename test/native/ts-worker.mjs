// Bootstrap of a TypeScript worker thread in tests: worker threads do not inherit tsx's loader
// from `node --import tsx`, so register it here, then load workerData.file.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.file);
