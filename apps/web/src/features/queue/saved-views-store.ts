/**
 * Saved views: a name and the URL query it stands for, kept in this browser (localStorage) until views are stored
 * per user on the server. Opening one just navigates to its query.
 */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export interface SavedView {
  name: string;
  search: string;
}

interface SavedViewsState {
  views: SavedView[];
  actions: {
    viewSaved: (view: SavedView) => void;
    viewDeleted: (name: string) => void;
  };
}

const useSavedViewsStore = create<SavedViewsState>()(
  persist(
    (set) => ({
      views: [],
      actions: {
        viewSaved: (view) => set((state) => ({ views: [...state.views.filter((v) => v.name !== view.name), view] })),
        viewDeleted: (name) => set((state) => ({ views: state.views.filter((v) => v.name !== name) })),
      },
    }),
    { name: 'recdesk.saved-views', version: 1, partialize: (state) => ({ views: state.views }) },
  ),
);

export const useSavedViews = () => useSavedViewsStore((state) => state.views);
export const useSavedViewActions = () => useSavedViewsStore((state) => state.actions);
