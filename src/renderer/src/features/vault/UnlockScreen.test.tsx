import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VaultStatus } from '../../../../shared/contract';
import { useVaultStore } from '../../stores/vault-store';
import { vaultStatus } from '../../test-support/vault-status';
import { UnlockScreen } from './UnlockScreen';

const locked = (unlockWaitMs: number): VaultStatus => vaultStatus('locked', unlockWaitMs);

describe('UnlockScreen', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('accepts a passphrase at once when there is no wait, however often the status arrives', () => {
    act(() => {
      useVaultStore.getState().apply(locked(0));
    });
    render(<UnlockScreen />);
    act(() => {
      vi.advanceTimersByTime(30);
      useVaultStore.getState().apply(locked(0));
    });
    expect(screen.getByTestId('vault-submit').hasAttribute('disabled')).toBe(false);
    expect(screen.queryByTestId('vault-wait')).toBeNull();
  });

  it('counts a rate-limit wait down to zero and then enables Unlock again', () => {
    act(() => {
      useVaultStore.getState().apply(locked(2000));
    });
    render(<UnlockScreen />);
    expect(screen.getByTestId('vault-wait').textContent).toContain('2 s');
    expect(screen.getByTestId('vault-submit').hasAttribute('disabled')).toBe(true);
    act(() => {
      vi.advanceTimersByTime(1100);
    });
    expect(screen.getByTestId('vault-wait').textContent).toContain('1 s');
    act(() => {
      vi.advanceTimersByTime(1200);
    });
    expect(screen.queryByTestId('vault-wait')).toBeNull();
    expect(screen.getByTestId('vault-submit').hasAttribute('disabled')).toBe(false);
  });

  it('says a wrong passphrase once, leaving the wait to the countdown', async () => {
    const unlock = useVaultStore.getState().unlock;
    useVaultStore.setState({
      unlock: () => {
        useVaultStore.getState().apply(locked(2000));
        return Promise.resolve({
          code: 'wrong-passphrase',
          message: 'Wrong passphrase; the vault stays locked. Next attempt allowed in 2 s.',
        });
      },
    });
    try {
      act(() => {
        useVaultStore.getState().apply(locked(0));
      });
      render(<UnlockScreen />);
      fireEvent.change(screen.getByTestId('vault-passphrase'), { target: { value: 'nope' } });
      await act(async () => {
        fireEvent.click(screen.getByTestId('vault-submit'));
        await Promise.resolve();
      });
      expect(screen.getByTestId('vault-error').textContent).toBe(
        'Wrong passphrase; the vault stays locked.',
      );
      expect(screen.getByTestId('vault-wait').textContent).toContain('2 s');
      act(() => {
        vi.advanceTimersByTime(2100);
      });
      expect(screen.queryByTestId('vault-wait')).toBeNull();
    } finally {
      useVaultStore.setState({ unlock });
    }
  });
});
