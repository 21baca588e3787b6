import { Command } from 'cmdk';
import { useEffect, useMemo, useState } from 'react';
import type { AssetRow } from '../../../shared/inventory';
import { paletteCommands, type PaletteCommand } from '../app/commands';
import { useProfilesStore } from '../features/profiles/profiles-store';
import { useNavStore } from '../stores/nav-store';
import { Kbd, modKey } from './Kbd';
import { paletteScore, paletteValue } from './palette-filter';
import { assetCommands, connectCommands, findAssets } from './palette-targets';

/** Typing pauses this long before the inventory is searched. */
const assetSearchDelayMs = 120;

export function CommandPalette() {
  const open = useNavStore((s) => s.paletteOpen);
  const setOpen = useNavStore((s) => s.setPaletteOpen);
  return (
    <Command.Dialog
      open={open}
      onOpenChange={setOpen}
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
      />
    </Command.Dialog>
  );
}

function PaletteBody(props: { close: () => void }) {
  const profiles = useProfilesStore((s) => s.profiles);
  const profilesLoaded = useProfilesStore((s) => s.loaded);
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
  const groups = useMemo(() => {
    const commands = [
      ...paletteCommands(),
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
  }, [profiles, assets, text]);

  return (
    <>
      <Command.Input
        placeholder="Type a command, a section, an SSH profile or an asset…"
        data-testid="palette-input"
        value={typed}
        onValueChange={setTyped}
      />
      <Command.List>
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
                    void command.run();
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
