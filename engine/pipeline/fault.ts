// Fault injection for the worker engine's recovery tests (KWIRE_FAULT_INJECT, engine/cli).

/** `fault` value: every incarnation of a worker throws while starting (a pcap_cnt ≥ 1 crashes once there). */
export const FAULT_AT_START = -2;
