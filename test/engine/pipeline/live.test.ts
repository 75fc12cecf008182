// The live loop on one thread and on two worker threads fed by the main thread's libpcap capture
// (scenarios in live-scenarios.ts). Needs root; runs in a process of its own (test/run.mjs).
import { test } from 'uvu';
import { liveLoopTests } from './live-scenarios.js';

liveLoopTests([[0, false], [2, false]]);
test.run();
