// Fails a test on any unexpected console.error or console.warn: React and the app report problems there.
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import type { StateCreator } from 'zustand';
import { TEST_NOW } from './test-clock.ts';

// zustand stores are module singletons: every store created through this wrapper is put back to its initial state
// after each test, as bulletproof-react's __mocks__/zustand.ts does. The registry lives on globalThis: should test
// files ever share their modules (isolate: false), a store is created once while this file runs again for each.
const registry = globalThis as { __recdeskStoreResets?: Set<() => void> };
registry.__recdeskStoreResets ??= new Set();
const storeResets = registry.__recdeskStoreResets;
vi.mock('zustand', async (importOriginal) => {
  const actual = await importOriginal<typeof import('zustand')>();
  const createAndRegister = (initializer: StateCreator<object>) => {
    const store = actual.create(initializer);
    const initial = store.getInitialState();
    storeResets.add(() => store.setState(initial, true));
    return store;
  };
  const create = (initializer?: StateCreator<object>) => (initializer ? createAndRegister(initializer) : createAndRegister);
  return { ...actual, create: create as unknown as typeof actual.create };
});

// happy-dom lays nothing out; the virtualised queue needs a viewport to decide which rows to render.
Object.defineProperties(HTMLElement.prototype, {
  clientHeight: { configurable: true, get: () => 800 },
  clientWidth: { configurable: true, get: () => 1280 },
});

beforeEach(() => {
  // Only Date is faked (timers stay real, so React, msw and user-event behave as in a browser): every test starts at
  // TEST_NOW whatever day the suite runs, and time still passes.
  vi.useFakeTimers({ toFake: ['Date'], now: TEST_NOW, shouldAdvanceTime: true });
  for (const method of ['error', 'warn'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      throw new Error(`Unexpected console.${method}: ${args.map(String).join(' ')}`);
    });
  }
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
  window.history.replaceState(null, '', '/');
  window.localStorage.clear();
  for (const reset of storeResets) reset();
});
