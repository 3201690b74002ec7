/**
 * The open modal dialogs, innermost last. A modal dialog makes the rest of the page inert, so anything that must
 * stay perceivable while one is open (the notices) renders inside the innermost one.
 */
import { create } from 'zustand';

interface DialogStackState {
  dialogs: HTMLDialogElement[];
  actions: {
    dialogShown: (dialog: HTMLDialogElement) => void;
    dialogHidden: (dialog: HTMLDialogElement) => void;
  };
}

const useDialogStackStore = create<DialogStackState>()((set) => ({
  dialogs: [],
  actions: {
    dialogShown: (dialog) => set((state) => ({ dialogs: [...state.dialogs.filter((d) => d !== dialog), dialog] })),
    dialogHidden: (dialog) => set((state) => ({ dialogs: state.dialogs.filter((d) => d !== dialog) })),
  },
}));

export const useInnermostDialog = () => useDialogStackStore((state) => state.dialogs.at(-1) ?? null);
export const useDialogStackActions = () => useDialogStackStore((state) => state.actions);
