'use client';

import { useSyncExternalStore } from 'react';

// One clock for every countdown on the page: a single 1 s interval, running only while some
// component shows a time that moves, so fifty rows do not mean fifty timers.

const TICK_MS = 1_000;

let now = 0;
let timer: ReturnType<typeof setInterval> | null = null;
const listeners = new Set<() => void>();

function tick() {
  now = Date.now();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    // The clock may have stood still since the last subscriber left; React re-reads the
    // snapshot after subscribing, so the first frame is not stale.
    now = Date.now();
    timer = setInterval(tick, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

function getSnapshot(): number {
  if (now === 0) now = Date.now();
  return now;
}

// The server and the hydrating browser cannot agree on "now": nothing time-based is rendered
// until the page is live, which keeps hydration free of mismatches.
function getServerSnapshot(): null {
  return null;
}

/** Epoch ms, updated once a second; null while server-rendering and hydrating. */
export function useNow(): number | null {
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}
