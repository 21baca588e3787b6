import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OtpRequestEvent } from '../../../../shared/contract';
import { createBridge, setBridge } from '../../lib/bridge';
import { normalizeOtp, OtpDialog } from './OtpDialog';

const request: OtpRequestEvent = {
  requestId: '0b7f3c1e-2a4d-4e5f-9a6b-7c8d9e0f1a2b',
  profileId: 'p1',
  profileName: 'pve-ber',
  reason: 'Proxmox VE asks ops@pve for a one-time code to log in to https://pve.example:8006.',
};

let calls: { channel: string; payload: unknown }[];
let listeners: Map<string, Set<(payload: unknown) => void>>;
let pending: OtpRequestEvent[];

function push(name: string, payload: unknown): void {
  act(() => {
    for (const listener of listeners.get(name) ?? []) listener(payload);
  });
}

beforeEach(() => {
  calls = [];
  listeners = new Map();
  pending = [];
  setBridge(
    createBridge({
      invoke: (channel, payload) => {
        calls.push({ channel, payload });
        if (channel === 'otp:list') return Promise.resolve({ ok: true, data: pending });
        return Promise.resolve({ ok: true, data: null });
      },
      on: (name, listener) => {
        const set = listeners.get(name) ?? new Set();
        set.add(listener);
        listeners.set(name, set);
        return () => set.delete(listener);
      },
    }),
  );
});

afterEach(() => {
  cleanup();
  setBridge(undefined);
});

const answers = () => calls.filter((c) => c.channel === 'otp:answer').map((c) => c.payload);

async function shown(): Promise<HTMLInputElement> {
  render(<OtpDialog />);
  await waitFor(() => {
    expect(listeners.get('otp:request')?.size).toBe(1);
  });
  push('otp:request', request);
  return screen.findByTestId<HTMLInputElement>('otp-input');
}

describe('the one-time code dialog', () => {
  it('appears on a request with the profile, the reason and focus in the input', async () => {
    const input = await shown();
    const dialog = screen.getByTestId('otp-dialog');
    expect(dialog.textContent).toContain('Proxmox pve-ber asks for a one-time code');
    expect(dialog.textContent).toContain('ops@pve');
    await waitFor(() => {
      expect(document.activeElement).toBe(input);
    });
  });

  it('sends the code on Enter, without the spaces, and closes', async () => {
    const input = await shown();
    fireEvent.change(input, { target: { value: ' 123 456 ' } });
    fireEvent.submit(input.form!);
    await waitFor(() => {
      expect(answers()).toEqual([{ requestId: request.requestId, code: '123456' }]);
    });
    await waitFor(() => {
      expect(screen.queryByTestId('otp-dialog')).toBeNull();
    });
  });

  it('refuses anything but 6 to 8 digits and says so, sending nothing', async () => {
    const input = await shown();
    fireEvent.change(input, { target: { value: '12345' } });
    fireEvent.submit(input.form!);
    expect((await screen.findByTestId('otp-error')).textContent).toContain('6 to 8 digits');
    expect(answers()).toEqual([]);
  });

  it('cancels on Escape', async () => {
    const input = await shown();
    fireEvent.keyDown(input, { key: 'Escape' });
    await waitFor(() => {
      expect(answers()).toEqual([{ requestId: request.requestId, cancel: true }]);
    });
    await waitFor(() => {
      expect(screen.queryByTestId('otp-dialog')).toBeNull();
    });
  });

  it('closes when the request ends elsewhere (timeout, sync cancelled)', async () => {
    await shown();
    push('otp:closed', { requestId: request.requestId });
    await waitFor(() => {
      expect(screen.queryByTestId('otp-dialog')).toBeNull();
    });
    expect(answers()).toEqual([]);
  });

  it('shows a request that was already open when the window started', async () => {
    pending = [request];
    render(<OtpDialog />);
    expect((await screen.findByTestId('otp-dialog')).textContent).toContain('pve-ber');
  });
});

describe('normalizeOtp', () => {
  it('keeps 6 to 8 digits and drops spaces', () => {
    expect(normalizeOtp('123 456')).toBe('123456');
    expect(normalizeOtp('12345678')).toBe('12345678');
    expect(normalizeOtp('12345')).toBeNull();
    expect(normalizeOtp('123456789')).toBeNull();
    expect(normalizeOtp('12a456')).toBeNull();
  });
});
