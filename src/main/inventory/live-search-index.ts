import type { Sqlite } from '../db/sqlite';
import { inventoryGeneration } from './asset-store';
import { SearchIndex } from './search-index';

/** How an inventory keeps its search index: not at all, built on demand, or in the background. */
export type SearchIndexMode = 'off' | 'on-demand' | 'background';

/** Milliseconds of index building between two turns of the event loop. */
const buildSlice = 8;
/** A background build waits until no search has come for this long. */
const typingPauseMs = 300;

export interface LiveSearchIndexOptions {
  onError?: (error: unknown) => void;
  /** A build finished: the index and the milliseconds from its start. */
  onReady?: (index: SearchIndex, ms: number) => void;
  /** Milliseconds of building between two turns of the event loop (0: one step per turn). */
  sliceMs?: number;
}

/**
 * The search index of a live inventory, rebuilt after the inventory changes. `on-demand` builds
 * it within the first query after a change; `background` answers that query from SQL and builds
 * in slices of a few milliseconds, so the process stays responsive meanwhile. A build that sees
 * the inventory change under it is dropped; the next query starts another.
 */
export class LiveSearchIndex {
  #index: SearchIndex | null = null;
  #building = false;
  /** The generation a build failed at: not tried again until the inventory changes. */
  #failedAt: number | null = null;
  /** When the last query asked for the index (a background build waits while queries come). */
  #askedAt = -Infinity;

  constructor(
    private readonly db: Sqlite,
    private readonly mode: Exclude<SearchIndexMode, 'off'>,
    private readonly options: LiveSearchIndexOptions = {},
  ) {}

  /** The index for a query when it is current; null while it is being built or cannot be. */
  current(): SearchIndex | null {
    this.#askedAt = performance.now();
    return this.warm();
  }

  /** The index when it is current, else starts building it (null meanwhile). */
  warm(): SearchIndex | null {
    if (!this.db.open) return null;
    const generation = inventoryGeneration(this.db);
    if (this.#index?.generation === generation) return this.#index;
    if (this.#failedAt === generation) return null;
    this.#index = null;
    if (this.mode === 'on-demand') {
      const start = performance.now();
      try {
        this.#index = SearchIndex.build(this.db);
        this.options.onReady?.(this.#index, performance.now() - start);
      } catch (error) {
        this.#fail(generation, error);
      }
      return this.#index;
    }
    if (!this.#building) this.#build(generation);
    return null;
  }

  /** Whether a background build is under way. */
  get building(): boolean {
    return this.#building;
  }

  #fail(generation: number, error: unknown): void {
    this.#failedAt = generation;
    this.options.onError?.(error);
  }

  /**
   * Builds in slices of a few milliseconds. While searches keep coming (someone is typing) it
   * waits for a pause: those searches are answered by SQL meanwhile, and should not also wait
   * for a slice.
   */
  #build(generation: number): void {
    this.#building = true;
    const start = performance.now();
    const steps = SearchIndex.steps(this.db);
    const slice = (): void => {
      try {
        const quietFor = performance.now() - this.#askedAt;
        if (quietFor < typingPauseMs) {
          setTimeout(slice, typingPauseMs - quietFor).unref();
          return;
        }
        const until = performance.now() + (this.options.sliceMs ?? buildSlice);
        for (;;) {
          const step = steps.next();
          if (step.done === true) {
            this.#building = false;
            this.#index = step.value;
            if (step.value !== null) this.options.onReady?.(step.value, performance.now() - start);
            return;
          }
          if (performance.now() >= until) break;
        }
        next();
      } catch (error) {
        this.#building = false;
        if (this.db.open) this.#fail(generation, error);
      }
    };
    // A build never keeps a process alive: one that is closing simply never finishes it. The
    // next slice is a timer, not an immediate: an unreferenced immediate only runs once something
    // else wakes the event loop, so an idle process would leave the build waiting.
    const next = (): void => {
      setTimeout(slice, 0).unref();
    };
    next();
  }
}
