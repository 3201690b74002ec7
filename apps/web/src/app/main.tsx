import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AuthGate } from '../features/auth/AuthGate.tsx';
import { ItemPerformanceSection } from '../features/performance/ItemPerformanceSection.tsx';
import { ItemPlanSection } from '../features/plan/ItemPlanSection.tsx';
import { ItemSectionsProvider } from '../shared/ui/item-sections.tsx';
import { App } from './App.tsx';
import { createQueryClient } from './query-client.ts';
import './styles.css';

/** What the detail drawer shows beside the queue's own sections. */
const ITEM_SECTIONS = [ItemPlanSection, ItemPerformanceSection];

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <AuthGate>
        <ItemSectionsProvider value={ITEM_SECTIONS}>
          <App />
        </ItemSectionsProvider>
      </AuthGate>
    </QueryClientProvider>
  </StrictMode>,
);
