// The live loop on two worker threads that each capture on a native AF_PACKET socket in one
// PACKET_FANOUT group (scenarios in live-scenarios.ts). Needs root and the native addon; runs in a
// process of its own (test/run.mjs).
import { test } from 'uvu';
import { liveLoopTests } from './live-scenarios.js';

liveLoopTests([[2, true]]);
test.run();
