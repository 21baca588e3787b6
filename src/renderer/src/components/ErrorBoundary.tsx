import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** Shown in the fallback, e.g. the section name. */
  area: string;
  children: ReactNode;
}

interface State {
  error: Error | undefined;
}

/** Keeps a crash in one view from blanking the whole window; the user can retry that view. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`Rackside: ${this.props.area} crashed`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="crash" role="alert" data-testid="error-boundary">
        <h2>{this.props.area} stopped working</h2>
        <p>
          Nothing stored was lost. The error was: <code>{error.message}</code>
        </p>
        <button
          type="button"
          className="button"
          onClick={() => {
            this.setState({ error: undefined });
          }}
        >
          Try again
        </button>
      </div>
    );
  }
}
