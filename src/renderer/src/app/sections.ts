import {
  Boxes,
  KeyRound,
  PackageCheck,
  Settings as SettingsIcon,
  SquareTerminal,
  Wand2,
  type LucideIcon,
} from 'lucide-react';

export const sectionIds = [
  'inventory',
  'terminals',
  'patches',
  'enroll',
  'profiles',
  'settings',
] as const;
export type SectionId = (typeof sectionIds)[number];

export interface Section {
  id: SectionId;
  label: string;
  icon: LucideIcon;
  /** Digit for the Ctrl/Cmd+digit shortcut. */
  key: string;
  summary: string;
}

export const sections: readonly Section[] = [
  {
    id: 'inventory',
    label: 'Inventory',
    icon: Boxes,
    key: '1',
    summary:
      'One merged list of hosts, VMs, containers and routers from Foreman, Proxmox VE, PatchMon and RouterOS — searchable offline, with the age of every value.',
  },
  {
    id: 'terminals',
    label: 'Terminals',
    icon: SquareTerminal,
    key: '2',
    summary:
      'Interactive SSH sessions in tabs and split panes, opened from a profile, an inventory asset or a quick user@host:port.',
  },
  {
    id: 'patches',
    label: 'Patches',
    icon: PackageCheck,
    key: '3',
    summary:
      'Pending updates, security updates and reboots across the fleet, from PatchMon and the Proxmox nodes’ package lists.',
  },
  {
    id: 'enroll',
    label: 'Enroll',
    icon: Wand2,
    key: '4',
    summary:
      'Guided wizards: Proxmox LXC containers into PatchMon, least-privilege Proxmox API tokens, PatchMon API credentials — with dry runs and an audit trail.',
  },
  {
    id: 'profiles',
    label: 'Profiles',
    icon: KeyRound,
    key: '5',
    summary:
      'Encrypted connection profiles for Foreman, Proxmox VE, PatchMon, RouterOS and SSH. Secrets stay in the local vault.',
  },
  {
    id: 'settings',
    label: 'Settings',
    icon: SettingsIcon,
    key: '6',
    summary: 'Appearance, vault lock timeout and information about this installation.',
  },
];

export function isSectionId(value: string): value is SectionId {
  return (sectionIds as readonly string[]).includes(value);
}

export function sectionById(id: SectionId): Section {
  const found = sections.find((s) => s.id === id);
  if (!found) throw new Error(`unknown section ${id}`);
  return found;
}
