import { Command } from 'cmdk';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AssetRow } from '../../../shared/inventory';
import { paletteCommands, type PaletteCommand } from '../app/commands';
import { savedSearchCommands } from '../features/inventory/palette-commands';
import { useSavedSearches } from '../features/inventory/saved-searches';
import { useProfilesStore } from '../features/profiles/profiles-store';
import { useNavStore } from '../stores/nav-store';
import { rescueFocus } from '../lib/focus';
import { Kbd, modKey } from './Kbd';
import { paletteScore, paletteValue } from './palette-filter';
import { assetCommands, connectCommands, findAssets } from './palette-targets';

/** Items PageUp / PageDown move by: about what the list shows at once. */
const pageItems = 8;

/** Typing pauses this long before the inventory is searched. */
const assetSearchDelayMs = 120;

export function CommandPalette() {
  const open = useNavStore((s) => s.paletteOpen);
  const setOpen = useNavStore((s) => s.setPaletteOpen);
  // The highlighted item, held here so that the best match can be highlighted again when the
  // inventory's answer adds better ones after the list was first drawn.
  const [selected, setSelected] = useState('');
  // Each opening starts with nothing highlighted: cmdk then highlights the first item.
  const [wasOpen, setWasOpen] = useState(open);
  // What had the keyboard when the palette opened: it gets it back when the palette closes
  // without a command placing it elsewhere (Escape, "Sync all sources"). Opened by a shortcut,
  // the palette has no trigger for its dialog to give the focus back to.
  const [opener, setOpener] = useState<HTMLElement | null>(null);
  if (open !== wasOpen) {
    setWasOpen(open);
    setSelected('');
    if (open) {
      setOpener(document.activeElement instanceof HTMLElement ? document.activeElement : null);
    }
  }
  useEffect(() => {
    if (!open) rescueFocus(opener);
  }, [open, opener]);
  return (
    <Command.Dialog
      open={open}
      onOpenChange={setOpen}
      value={selected}
      onValueChange={setSelected}
      label="Command palette"
      className="palette"
      overlayClassName="palette-overlay"
      contentClassName="palette-content"
      data-testid="palette"
      filter={paletteScore}
    >
      {/* Mounted while open only: each opening starts from an empty search. */}
      <PaletteBody
        close={() => {
          setOpen(false);
        }}
        select={setSelected}
      />
    </Command.Dialog>
  );
}

function PaletteBody(props: { close: () => void; select: (value: string) => void }) {
  const { select } = props;
  const profiles = useProfilesStore((s) => s.profiles);
  const profilesLoaded = useProfilesStore((s) => s.loaded);
  const saved = useSavedSearches();
  const [typed, setTyped] = useState('');
  const [found, setFound] = useState<{ text: string; rows: AssetRow[] }>({ text: '', rows: [] });
  const text = typed.trim();

  useEffect(() => {
    if (!profilesLoaded) void useProfilesStore.getState().load();
  }, [profilesLoaded]);

  useEffect(() => {
    if (text.length < 2) return;
    let live = true;
    const timer = setTimeout(() => {
      void findAssets(text).then((rows) => {
        if (live) setFound({ text, rows });
      });
    }, assetSearchDelayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text]);

  // Results for an earlier text are not shown for the current one.
  const assets = text.length >= 2 && found.text === text ? found.rows : null;
  // Moved through the list since the last keystroke: the answer arriving keeps that choice.
  const moved = useRef(false);
  const groups = useMemo(() => {
    const commands = [
      ...paletteCommands(),
      ...savedSearchCommands(saved),
      ...connectCommands(profiles),
      ...assetCommands(assets ?? [], text),
    ];
    const byGroup = new Map<string, PaletteCommand[]>();
    for (const command of commands) {
      byGroup.set(command.group, [...(byGroup.get(command.group) ?? []), command]);
    }
    const entries = [...byGroup.entries()];
    if (text === '') return entries;
    // The group holding the best match comes first, so Enter runs the best match: cmdk orders
    // the items within a group but leaves the groups where they are.
    const best = (items: PaletteCommand[]): number =>
      Math.max(
        ...items.map((c) => paletteScore(paletteValue(c.group, c.label, c.id), text, c.keywords)),
      );
    return entries
      .map(([group, items]) => ({ group, items, score: best(items) }))
      .sort((a, b) => b.score - a.score)
      .map(({ group, items }): [string, PaletteCommand[]] => [group, items]);
  }, [profiles, saved, assets, text]);

  // The inventory answers after the list was drawn: its best match is highlighted, as a list
  // drawn with it would have, unless a choice was made meanwhile. Enter runs what was typed for.
  useEffect(() => {
    if (assets === null || assets.length === 0 || moved.current) return;
    const first = groups[0]?.[1] ?? [];
    let best: { value: string; score: number } | null = null;
    for (const c of first) {
      const value = paletteValue(c.group, c.label, c.id);
      const score = paletteScore(value, text, c.keywords);
      if (best === null || score > best.score) best = { value, score };
    }
    if (best !== null) select(best.value);
  }, [assets, groups, text, select]);

  return (
    <>
      <Command.Input
        placeholder="Type a command, a section, an SSH profile or an asset…"
        data-testid="palette-input"
        value={typed}
        onValueChange={(value) => {
          moved.current = false;
          setTyped(value);
        }}
        onKeyDown={(event) => {
          if (
            /^(Arrow|Home|End|Page)/.test(event.key) ||
            (event.ctrlKey && /^[jknp]$/.test(event.key))
          ) {
            moved.current = true;
          }
          // A page of items at a time, which cmdk leaves to the page (the input ignores it).
          if (event.key === 'PageDown' || event.key === 'PageUp') {
            const items = Array.from(
              document.querySelectorAll<HTMLElement>(
                '[cmdk-list] [cmdk-item]:not([aria-disabled="true"])',
              ),
            );
            const at = items.findIndex((item) => item.getAttribute('aria-selected') === 'true');
            const step = event.key === 'PageDown' ? pageItems : -pageItems;
            const next = items[Math.max(0, Math.min(items.length - 1, at + step))];
            const value = next?.getAttribute('data-value');
            if (value !== null && value !== undefined) {
              event.preventDefault();
              select(value);
              next?.scrollIntoView({ block: 'nearest' });
            }
          }
        }}
      />
      <Command.List
        onPointerMove={() => {
          moved.current = true;
        }}
      >
        <Command.Empty>No matching command, profile or asset.</Command.Empty>
        {groups.map(([group, items]) => (
          <Command.Group key={group} heading={group}>
            {items.map((command) => {
              const Icon = command.icon;
              return (
                <Command.Item
                  key={command.id}
                  value={paletteValue(command.group, command.label, command.id)}
                  keywords={command.keywords}
                  data-testid={`palette-item-${command.id}`}
                  onSelect={() => {
                    props.close();
                    // Once the palette has gone and given the focus back: a command that puts
                    // the keyboard somewhere (a new profile's name, a terminal) keeps it there.
                    setTimeout(() => void command.run(), 0);
                  }}
                >
                  <Icon size={15} aria-hidden />
                  <span>{command.label}</span>
                  {command.detail ? <span className="palette-detail">{command.detail}</span> : null}
                  {command.shortcut ? <Kbd keys={[modKey, command.shortcut]} /> : null}
                </Command.Item>
              );
            })}
          </Command.Group>
        ))}
      </Command.List>
    </>
  );
}
