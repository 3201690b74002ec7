/** The colour theme: follow the system, or the user's choice, remembered in this browser. */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export type Theme = 'system' | 'light' | 'dark';

interface ThemeState {
  theme: Theme;
  actions: { themeChosen: (theme: Theme) => void };
}

const useThemeStore = create<ThemeState>()(
  persist((set) => ({ theme: 'system', actions: { themeChosen: (theme) => set({ theme }) } }), {
    name: 'recdesk.theme',
    version: 1,
    partialize: (state) => ({ theme: state.theme }),
  }),
);

export const useTheme = () => useThemeStore((state) => state.theme);
export const useThemeActions = () => useThemeStore((state) => state.actions);
