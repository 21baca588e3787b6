import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Notice } from '../../../shared/contract';
import { setBridge } from '../lib/bridge';
import { useNoticesStore } from '../stores/notices-store';
import { installFakeBridge, unknownChannel } from '../test-support/fake-bridge';
import { NoticeBanners } from './NoticeBanners';

const settingsNotice: Notice = {
  id: 'settings',
  message: 'Some settings in /data/settings.json could not be used and were left out: the theme.',
  dismissible: true,
};
const diskNotice: Notice = {
  id: 'read-only',
  message: 'The disk that holds the data folder is full.',
  dismissible: false,
};

describe('NoticeBanners', () => {
  beforeEach(() => {
    useNoticesStore.setState({ notices: [], dismissError: undefined });
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('shows each notice of the core until it is dismissed; one that lasts with its cause has no Dismiss', async () => {
    let notices = [settingsNotice, diskNotice];
    const calls = installFakeBridge((channel, request) => {
      if (channel === 'notices:list') return notices;
      if (channel === 'notices:dismiss') {
        notices = notices.filter((n) => n.id !== (request as { id: string }).id);
        return notices;
      }
      return unknownChannel(channel);
    });
    render(<NoticeBanners />);
    const banners = await screen.findAllByTestId('notice');
    expect(banners.map((b) => b.textContent)).toEqual([
      `${settingsNotice.message}Dismiss`,
      diskNotice.message,
    ]);
    fireEvent.click(screen.getByTestId('notice-dismiss'));
    await waitFor(() => {
      expect(screen.getAllByTestId('notice').map((b) => b.dataset.id)).toEqual(['read-only']);
    });
    expect(calls).toContainEqual({ channel: 'notices:dismiss', request: { id: 'settings' } });
    expect(screen.queryByTestId('notice-dismiss')).toBeNull();
  });
});
