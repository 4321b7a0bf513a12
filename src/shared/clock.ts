/**
 * Milliseconds since the epoch. Injected everywhere time is read, so the code reads no global clock and a
 * test can move time (test/support/chat-do-testing.ts). The system clock is created at the edge only: the
 * Worker entry and the Durable Object constructors.
 */
export type Clock = () => number;

/** The real time; used only where an object is built by the platform (see Clock). */
export const systemClock: Clock = () => Date.now();
