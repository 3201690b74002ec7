/**
 * The queue's UI state: which rows are selected (by id; the items themselves stay in the query cache), which row
 * the keyboard is on, the anchor of a shift-click range, and which dialog is open. Nothing fetched lives here.
 */
import type { RowSelectionState, Updater } from '@tanstack/react-table';
import { functionalUpdate } from '@tanstack/react-table';
import { create } from 'zustand';

export type QueueDialog =
  | { type: 'reject'; id: string }
  | { type: 'edit'; id: string }
  /** Approving an item a rule holds back as a control: confirm leaving the control group first. */
  | { type: 'leave-control'; id: string }
  | { type: 'bulk'; action: 'approve' | 'reject' | 'apply' }
  | { type: 'help' }
  | null;

interface QueueUiState {
  selection: RowSelectionState;
  anchorId: string | null;
  activeId: string | null;
  dialog: QueueDialog;
  actions: {
    selectionChanged: (updater: Updater<RowSelectionState>) => void;
    rowToggled: (id: string, anchor?: boolean) => void;
    rangeSelected: (ids: string[], selected: boolean) => void;
    selectionCleared: () => void;
    rowActivated: (id: string | null) => void;
    dialogOpened: (dialog: QueueDialog) => void;
    dialogClosed: () => void;
  };
}

const useQueueUiStore = create<QueueUiState>()((set) => ({
  selection: {},
  anchorId: null,
  activeId: null,
  dialog: null,
  actions: {
    selectionChanged: (updater) => set((state) => ({ selection: functionalUpdate(updater, state.selection) })),
    rowToggled: (id) =>
      set((state) => {
        const selection = { ...state.selection };
        if (selection[id]) delete selection[id];
        else selection[id] = true;
        return { selection, anchorId: id };
      }),
    rangeSelected: (ids, selected) =>
      set((state) => {
        const selection = { ...state.selection };
        for (const id of ids) {
          if (selected) selection[id] = true;
          else delete selection[id];
        }
        return { selection, anchorId: ids.at(-1) ?? state.anchorId };
      }),
    selectionCleared: () => set({ selection: {}, anchorId: null }),
    rowActivated: (id) => set({ activeId: id }),
    dialogOpened: (dialog) => set({ dialog }),
    dialogClosed: () => set({ dialog: null }),
  },
}));

export const useSelection = () => useQueueUiStore((state) => state.selection);
export const useSelectedCount = () => useQueueUiStore((state) => Object.keys(state.selection).length);
export const useIsSelected = (id: string) => useQueueUiStore((state) => state.selection[id] === true);
export const useAnchorId = () => useQueueUiStore((state) => state.anchorId);
export const useActiveId = () => useQueueUiStore((state) => state.activeId);
export const useQueueDialog = () => useQueueUiStore((state) => state.dialog);
export const useQueueUiActions = () => useQueueUiStore((state) => state.actions);
export const queueUiState = () => useQueueUiStore.getState();
