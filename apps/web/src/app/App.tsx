import { QueuePage } from '../features/queue/QueuePage.tsx';

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">RecDesk</span>
        <nav aria-label="Main">
          <a href="/" aria-current="page">
            Queue
          </a>
        </nav>
      </header>
      <main>
        <QueuePage />
      </main>
    </div>
  );
}
