/**
 * Notices about actions that finished away from where the user looks now (a row approved from the keyboard, a 409
 * from a concurrent change). UI state only: what to tell the user, never a copy of server data.
 */
import type { ReactNode } from 'react';
import { create } from 'zustand';

export interface Notice {
  id: number;
  tone: 'info' | 'success' | 'warning' | 'error';
  title: string;
  detail?: string;
  /**
   * A control the notice offers (the approval's Undo), rendered inside it; `close` removes the notice. The control
   * decides itself whether it is still offered (it renders nothing once it no longer applies).
   */
  action?: (close: () => void) => ReactNode;
}

interface NoticesState {
  notices: Notice[];
  actions: {
    noticeAdded: (notice: Omit<Notice, 'id'>) => void;
    noticeDismissed: (id: number) => void;
  };
}

let nextId = 1;

const useNoticesStore = create<NoticesState>()((set) => ({
  notices: [],
  actions: {
    noticeAdded: (notice) => set((state) => ({ notices: [...state.notices.slice(-4), { ...notice, id: nextId++ }] })),
    noticeDismissed: (id) => set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
  },
}));

export const useNotices = () => useNoticesStore((state) => state.notices);
export const useNoticeActions = () => useNoticesStore((state) => state.actions);
export const noticeActions = () => useNoticesStore.getState().actions;
