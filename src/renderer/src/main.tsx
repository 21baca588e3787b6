import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { ErrorBoundary } from './components/ErrorBoundary';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('Rackside: #root is missing from index.html');

createRoot(root).render(
  <StrictMode>
    <ErrorBoundary area="Rackside">
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
