/**
 * The user's table preferences: which columns show, in which order, at which width. Kept in this browser
 * (localStorage) so the table looks the same tomorrow; per-user storage on the server can replace it later.
 */
import type { ColumnOrderState, ColumnSizingState, ColumnVisibilityState, Updater } from '@tanstack/react-table';
import { functionalUpdate } from '@tanstack/react-table';
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

interface QueuePreferencesState {
  columnVisibility: ColumnVisibilityState;
  columnOrder: ColumnOrderState;
  columnSizing: ColumnSizingState;
  actions: {
    columnVisibilityChanged: (updater: Updater<ColumnVisibilityState>) => void;
    columnOrderChanged: (updater: Updater<ColumnOrderState>) => void;
    columnSizingChanged: (updater: Updater<ColumnSizingState>) => void;
    columnsReset: () => void;
  };
}

/**
 * By default only what decides fits at 1280 px without a horizontal scroll: advertiser, what changes, one state
 * column, priority and the actions. The rest (the single facts the combined columns already show, and the details)
 * are a click away in the columns menu.
 */
const DEFAULT_HIDDEN: ColumnVisibilityState = {
  goal: false,
  entity: false,
  title: false,
  change: false,
  source: false,
  adProduct: false,
  kind: false,
  confidence: false,
  impactScore: false,
  estimatedImpact: false,
  freshness: false,
  expiry: false,
  status: false,
};

const useQueuePreferencesStore = create<QueuePreferencesState>()(
  persist(
    (set) => ({
      columnVisibility: DEFAULT_HIDDEN,
      columnOrder: [],
      columnSizing: {},
      actions: {
        columnVisibilityChanged: (updater) => set((state) => ({ columnVisibility: functionalUpdate(updater, state.columnVisibility) })),
        columnOrderChanged: (updater) => set((state) => ({ columnOrder: functionalUpdate(updater, state.columnOrder) })),
        columnSizingChanged: (updater) => set((state) => ({ columnSizing: functionalUpdate(updater, state.columnSizing) })),
        columnsReset: () => set({ columnVisibility: DEFAULT_HIDDEN, columnOrder: [], columnSizing: {} }),
      },
    }),
    {
      name: 'recdesk.queue-columns',
      // Version 2: the combined "what changes" and "state" columns; older saved choices start from the new default.
      version: 2,
      migrate: () => ({ columnVisibility: DEFAULT_HIDDEN, columnOrder: [], columnSizing: {} }),
      partialize: ({ columnVisibility, columnOrder, columnSizing }) => ({ columnVisibility, columnOrder, columnSizing }),
    },
  ),
);

export const useColumnVisibility = () => useQueuePreferencesStore((state) => state.columnVisibility);
export const useColumnOrder = () => useQueuePreferencesStore((state) => state.columnOrder);
export const useColumnSizing = () => useQueuePreferencesStore((state) => state.columnSizing);
export const useQueuePreferenceActions = () => useQueuePreferencesStore((state) => state.actions);
