import { create } from 'zustand';
import type { Notice } from '../../../shared/contract';
import type { AppErrorShape } from '../../../shared/errors';
import { bridge } from '../lib/bridge';

interface NoticesState {
  notices: readonly Notice[];
  /** Why the last dismiss failed, by the notice's id. */
  dismissError: { id: string; error: AppErrorShape } | undefined;
  load: () => Promise<void>;
  apply: (notices: readonly Notice[]) => void;
  dismiss: (id: string) => Promise<void>;
}

/** The core's notices (a damaged database moved aside, settings left out), shown as banners. */
export const useNoticesStore = create<NoticesState>()((set) => ({
  notices: [],
  dismissError: undefined,
  load: async () => {
    const result = await bridge().call('notices:list', {});
    if (result.ok) set({ notices: result.data });
  },
  apply: (notices) => {
    set({ notices });
  },
  dismiss: async (id) => {
    const result = await bridge().call('notices:dismiss', { id });
    if (result.ok) set({ notices: result.data, dismissError: undefined });
    else set({ dismissError: { id, error: result.error } });
  },
}));
