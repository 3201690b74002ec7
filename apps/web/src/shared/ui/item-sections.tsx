/**
 * Sections other features add to a recommendation's detail drawer (the performance feature adds "Performance"). The
 * queue feature renders whatever is provided here without importing those features; src/app composes them.
 */
import type { RecommendationDetail } from '@recdesk/shared-types';
import { type ComponentType, createContext, useContext } from 'react';

export type ItemSection = ComponentType<{ item: RecommendationDetail }>;

const ItemSectionsContext = createContext<readonly ItemSection[]>([]);

export const ItemSectionsProvider = ItemSectionsContext.Provider;

export function useItemSections(): readonly ItemSection[] {
  return useContext(ItemSectionsContext);
}
