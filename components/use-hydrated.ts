'use client';

import { useSyncExternalStore } from 'react';

const subscribeToNothing = () => () => {};

/** False while server-rendering and hydrating: controls that only work through handlers wait. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
}
