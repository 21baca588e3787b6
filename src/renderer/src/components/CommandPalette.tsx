import { Command } from 'cmdk';
import { useMemo } from 'react';
import { paletteCommands, type PaletteCommand } from '../app/commands';
import { useNavStore } from '../stores/nav-store';
import { Kbd, modKey } from './Kbd';

export function CommandPalette() {
  const open = useNavStore((s) => s.paletteOpen);
  const setOpen = useNavStore((s) => s.setPaletteOpen);
  const commands = useMemo(() => (open ? paletteCommands() : []), [open]);
  const groups = useMemo(() => {
    const byGroup = new Map<string, PaletteCommand[]>();
    for (const command of commands) {
      byGroup.set(command.group, [...(byGroup.get(command.group) ?? []), command]);
    }
    return [...byGroup.entries()];
  }, [commands]);

  return (
    <Command.Dialog
      open={open}
      onOpenChange={setOpen}
      label="Command palette"
      className="palette"
      overlayClassName="palette-overlay"
      contentClassName="palette-content"
      data-testid="palette"
    >
      <Command.Input placeholder="Type a command or section…" data-testid="palette-input" />
      <Command.List>
        <Command.Empty>No matching command.</Command.Empty>
        {groups.map(([group, items]) => (
          <Command.Group key={group} heading={group}>
            {items.map((command) => {
              const Icon = command.icon;
              return (
                <Command.Item
                  key={command.id}
                  value={`${command.group} ${command.label}`}
                  keywords={command.keywords}
                  data-testid={`palette-item-${command.id}`}
                  onSelect={() => {
                    setOpen(false);
                    void command.run();
                  }}
                >
                  <Icon size={15} aria-hidden />
                  <span>{command.label}</span>
                  {command.shortcut ? <Kbd keys={[modKey, command.shortcut]} /> : null}
                </Command.Item>
              );
            })}
          </Command.Group>
        ))}
      </Command.List>
    </Command.Dialog>
  );
}
