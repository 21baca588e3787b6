import { Copy, ExternalLink, GitMerge, Scissors, SquareTerminal, X } from 'lucide-react';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { onTabListKeyDown } from '../../components/tablist';
import { toast } from 'sonner';
import type { AppErrorShape } from '../../../../shared/errors';
import type { AssetDetail as Detail, LinkView } from '../../../../shared/inventory';
import { bridge } from '../../lib/bridge';
import { useProfilesStore } from '../profiles/profiles-store';
import { openLxcConsole, openTerminalFor } from '../terminals';
import { age, localTimes, systemLabels, when } from '../sync/staleness';
import { useNow } from '../sync/use-now';
import { FreshnessDot, PatchCount, RebootFlag, SourceBadges, StatusText } from './cells';
import { useFocusReturn } from './focus-return';
import { useInventoryStore } from './inventory-store';
import { SshUserDialog } from './SshUserDialog';

/** A system's name as people write it ("PatchMon"); an id the app does not know, as it is. */
const labelOf = (system: string): string =>
  (systemLabels as Partial<Record<string, string>>)[system] ?? system;
import { flattenRaw, lxcConsoleOf, sshTargetOf, webUiUrl } from './web-links';

type Loaded =
  | { id: number; version: number; detail: Detail; error?: undefined }
  | { id: number; version: number; detail?: undefined; error: AppErrorShape };

const linkKey = (l: Pick<LinkView, 'profileId' | 'externalId'>) => `${l.profileId}/${l.externalId}`;

async function copy(what: string, value: string | null | undefined): Promise<void> {
  if (!value) return;
  try {
    await navigator.clipboard.writeText(value);
    toast.success(`Copied the ${what}.`);
  } catch {
    toast.error(`Could not copy the ${what}.`);
  }
}

/** Reads an asset, again whenever the inventory changes (a sync, a join or split). */
function useAsset(id: number): Loaded | undefined {
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [version, setVersion] = useState(0);
  useEffect(
    () =>
      bridge().on('inventory:changed', () => {
        setVersion((v) => v + 1);
      }),
    [],
  );
  useEffect(() => {
    let live = true;
    void bridge()
      .call('inventory:asset', { id })
      .then((result) => {
        if (!live) return;
        setLoaded(
          result.ok ? { id, version, detail: result.data } : { id, version, error: result.error },
        );
      });
    return () => {
      live = false;
    };
  }, [id, version]);
  return loaded?.id === id ? loaded : undefined;
}

/**
 * One asset: the merged view, each source's raw record, why they were merged, and actions.
 * Escape anywhere in the panel closes it, like Escape in the table; `onClosed` then takes the
 * focus (back to the table), since the element that had it goes away with the panel.
 */
export function AssetDetail(props: { id: number; onClosed: () => void }) {
  const loaded = useAsset(props.id);
  const [tab, setTab] = useState<string>('merged');
  const [askedByButton, setAskUser] = useState(false);
  const profiles = useProfilesStore((s) => s.profiles);
  const profilesLoaded = useProfilesStore((s) => s.loaded);
  const panel = useRef<HTMLElement>(null);
  const takeFocus = useInventoryStore((s) => s.detailTakesFocus);
  const sshRequested = useInventoryStore((s) => s.sshRequested);
  const shown = loaded !== undefined && loaded.error === undefined;
  useEffect(() => {
    if (!takeFocus || !shown) return;
    panel.current?.focus();
    useInventoryStore.setState({ detailTakesFocus: false });
  }, [takeFocus, shown]);

  useEffect(() => {
    if (!profilesLoaded) void useProfilesStore.getState().load();
  }, [profilesLoaded]);

  const read = loaded?.detail?.asset;
  const ssh = read === undefined ? undefined : sshTargetOf(read, profiles);
  /** The SSH button, and the `s` key on the asset's row: its profile, else whom to log in as. */
  const openSsh = (): void => {
    if (!ssh) return;
    if (ssh.kind === 'profile') {
      void openTerminalFor({ profileId: ssh.profileId, label: ssh.label });
    } else setAskUser(true);
  };
  // Asked for from the table (`s`): once the asset and the profiles are read, so the rules are
  // the button's (a profile not read yet would leave only asking whom to log in as).
  const requested = sshRequested !== undefined && sshRequested === read?.id && profilesLoaded;
  const askUser = askedByButton || (requested && ssh?.kind === 'quick');
  useFocusReturn(askUser, () => null);
  useEffect(() => {
    if (!requested || ssh?.kind === 'quick') return;
    useInventoryStore.getState().sshDone();
    if (ssh) void openTerminalFor({ profileId: ssh.profileId, label: ssh.label });
  });
  const userAsked = (): void => {
    setAskUser(false);
    if (requested) useInventoryStore.getState().sshDone();
  };

  const close = (): void => {
    useInventoryStore.getState().openDetail(undefined);
    props.onClosed();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    // A dialog opened from the panel (portalled elsewhere in the page) handles its own Escape.
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    if (!(event.target instanceof Node) || !event.currentTarget.contains(event.target)) return;
    event.preventDefault();
    close();
  };

  if (!loaded) {
    return (
      <aside
        className="detail-panel"
        data-testid="asset-detail"
        data-loading="true"
        onKeyDown={onKeyDown}
      >
        <p className="muted">Loading asset {props.id}…</p>
      </aside>
    );
  }
  if (loaded.error) {
    return (
      <aside className="detail-panel" data-testid="asset-detail" onKeyDown={onKeyDown}>
        <div className="detail-head">
          <h2>Asset {props.id}</h2>
          <CloseButton onClose={close} />
        </div>
        <p className="field-error" role="alert">
          {loaded.error.message}
        </p>
      </aside>
    );
  }
  const { asset, links } = loaded.detail;
  const current = tab === 'links' || links.some((l) => linkKey(l) === tab) ? tab : 'merged';
  const ip = asset.ips[0];
  const byId = new Map(profiles.map((p) => [p.id, p]));
  const consoleTarget = lxcConsoleOf(links, profiles);
  const webLinks = links.flatMap((link) => {
    const url = webUiUrl(link, byId.get(link.profileId));
    return url ? [{ link, url }] : [];
  });

  return (
    <aside
      className="detail-panel"
      data-testid="asset-detail"
      data-id={asset.id}
      data-name={asset.name}
      aria-label={`Asset ${asset.name}`}
      ref={panel}
      // Focusable, so that after a click on its text Escape still reaches the panel.
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <div className="detail-head">
        <h2 title={asset.name}>{asset.name}</h2>
        <SourceBadges systems={asset.systems} />
        <CloseButton onClose={close} />
      </div>
      <div className="detail-toolbar">
        <button
          type="button"
          className="button small"
          disabled={ssh === undefined}
          title={
            ssh === undefined
              ? 'This asset has no name, FQDN or address to connect to'
              : ssh.kind === 'profile'
                ? `Opens the SSH profile ${ssh.label}`
                : `No SSH profile matches; asks who to log in as on ${ssh.host}`
          }
          data-testid="asset-ssh"
          onClick={openSsh}
        >
          <SquareTerminal size={12} aria-hidden /> Open SSH terminal
        </button>
        {consoleTarget ? (
          <button
            type="button"
            className="button small"
            disabled={consoleTarget.kind !== 'lxc'}
            title={
              consoleTarget.kind === 'lxc'
                ? `pct enter ${String(consoleTarget.vmid)} on ${consoleTarget.node}, through the SSH profile ${consoleTarget.profileName}` +
                  (asset.status === 'stopped'
                    ? ' (the container was stopped at the last sync: pct enter needs it running)'
                    : '')
                : `No SSH profile for the node ${consoleTarget.node}: add one (host ${consoleTarget.node}) to open this container's console through it`
            }
            data-testid="asset-lxc-console"
            aria-describedby={consoleTarget.kind === 'lxc' ? undefined : 'lxc-console-reason'}
            onClick={() => {
              if (consoleTarget.kind === 'lxc') void openLxcConsole(consoleTarget);
            }}
          >
            <SquareTerminal size={12} aria-hidden /> Container console
          </button>
        ) : null}
        {webLinks.map(({ link, url }) => (
          <a
            key={linkKey(link)}
            className="button small"
            href={url}
            target="_blank"
            rel="noreferrer"
            data-testid="asset-web-ui"
            data-system={link.system}
          >
            <ExternalLink size={12} aria-hidden /> {systemLabels[link.system]}
          </a>
        ))}
        <button
          type="button"
          className="button small"
          data-testid="copy-name"
          onClick={() => void copy('name', asset.name)}
        >
          <Copy size={12} aria-hidden /> Name
        </button>
        <button
          type="button"
          className="button small"
          data-testid="copy-fqdn"
          disabled={asset.fqdn === null}
          onClick={() => void copy('FQDN', asset.fqdn)}
        >
          <Copy size={12} aria-hidden /> FQDN
        </button>
        <button
          type="button"
          className="button small"
          data-testid="copy-ip"
          disabled={ip === undefined}
          onClick={() => void copy('IP address', ip)}
        >
          <Copy size={12} aria-hidden /> IP
        </button>
      </div>
      {consoleTarget?.kind === 'no-node-profile' ? (
        // Said in words: a disabled button's tooltip is out of the keyboard's reach.
        <p className="muted detail-reason" id="lxc-console-reason" data-testid="lxc-console-reason">
          Container console: no SSH profile for the node {consoleTarget.node}. Add one (host{' '}
          {consoleTarget.node}) to open this container's console through it.
        </p>
      ) : null}
      {ssh ? (
        <p className="muted detail-reason" data-testid="ssh-target">
          SSH{' '}
          {ssh.kind === 'profile'
            ? `through the profile ${ssh.label}`
            : `to ${ssh.host}, asking for the user (no SSH profile matches this asset)`}
        </p>
      ) : null}
      <div className="tabs" role="tablist" aria-label="Asset views" onKeyDown={onTabListKeyDown}>
        <TabButton id="merged" current={current} onSelect={setTab} testId="detail-tab-merged">
          Merged
        </TabButton>
        {links.map((link) => (
          <TabButton
            key={linkKey(link)}
            id={linkKey(link)}
            current={current}
            onSelect={setTab}
            testId="detail-tab-source"
            system={link.system}
            title={`${link.profileName}: ${link.externalId}`}
          >
            {systemLabels[link.system]}
          </TabButton>
        ))}
        <TabButton id="links" current={current} onSelect={setTab} testId="detail-tab-links">
          Why merged ({links.length})
        </TabButton>
      </div>
      <div className="detail-body" role="tabpanel">
        {current === 'merged' ? (
          <Merged detail={loaded.detail} />
        ) : current === 'links' ? (
          <MergeReasons detail={loaded.detail} />
        ) : (
          <RawRecord link={links.find((l) => linkKey(l) === current)} />
        )}
      </div>
      {askUser && ssh?.kind === 'quick' ? (
        <SshUserDialog
          assetId={asset.id}
          host={ssh.host}
          fallbackUser={ssh.user}
          onClose={userAsked}
          onConnect={(user) => {
            userAsked();
            void openTerminalFor({ user, host: ssh.host });
          }}
        />
      ) : null}
    </aside>
  );
}

function CloseButton(props: { onClose: () => void }) {
  return (
    <button
      type="button"
      className="icon-button"
      aria-label="Close the asset"
      title="Close (Esc)"
      data-testid="asset-close"
      onClick={props.onClose}
    >
      <X size={14} aria-hidden />
    </button>
  );
}

function TabButton(props: {
  id: string;
  current: string;
  onSelect: (id: string) => void;
  testId: string;
  system?: string;
  title?: string;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      role="tab"
      className="tab"
      aria-selected={props.current === props.id}
      tabIndex={props.current === props.id ? 0 : -1}
      data-testid={props.testId}
      data-system={props.system}
      title={props.title}
      onClick={() => {
        props.onSelect(props.id);
      }}
    >
      {props.children}
    </button>
  );
}

function Merged(props: { detail: Detail }) {
  const { asset } = props.detail;
  const now = useNow();
  const rows: [string, React.ReactNode][] = [
    ['Kind', asset.kind],
    ['Status', <StatusText key="s" status={asset.status} />],
    ['FQDN', asset.fqdn ?? '—'],
    ['OS', asset.os ?? '—'],
    ['IP addresses', asset.ips.join(', ') || '—'],
    ['MAC addresses', asset.macs.join(', ') || '—'],
    ['Cluster', asset.cluster ?? '—'],
    ['Site', asset.site ?? '—'],
    ['Groups', asset.groups.join(', ') || '—'],
    ['Organization', asset.organization ?? '—'],
    ['Location', asset.location ?? '—'],
    ['Tags', asset.tags.join(' ') || '—'],
    ['Updates', <PatchCount key="u" value={asset.patch.updates} />],
    ['Security updates', <PatchCount key="sec" value={asset.patch.security} security />],
    ['Reboot needed', <RebootFlag key="r" value={asset.patch.rebootNeeded} />],
    [
      'Freshness',
      <span key="f" className="freshness-line">
        <FreshnessDot row={asset} now={now} />{' '}
        {localTimes(asset.freshness.message) || `data from ${when(asset.freshness.dataFrom)}`}
      </span>,
    ],
    [
      'Last seen',
      Object.entries(asset.lastSeen)
        .map(([system, at]) => `${labelOf(system)} ${age(at, now)}`)
        .join(', ') || '—',
    ],
  ];
  return (
    <dl className="facts compact" data-testid="merged-view">
      {rows.map(([label, value]) => (
        <div key={label} className="fact">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * A field's path, which may break onto another line only between its parts (after a dot, before
 * an index): `networking.interfaces.eth0.mac`, never `architecture_na` + `me`.
 */
function FieldPath(props: { path: string }) {
  const parts = props.path.split(/(?<=\.)|(?=\[)/u);
  return (
    <>
      {parts.map((part, i) => (
        <span key={i}>
          {i > 0 ? <wbr /> : null}
          {part}
        </span>
      ))}
    </>
  );
}

function RawRecord(props: { link: LinkView | undefined }) {
  const link = props.link;
  if (!link) return null;
  const fields = flattenRaw(link.raw);
  return (
    <div data-testid="raw-record" data-system={link.system}>
      <p className="muted">
        {systemLabels[link.system]} record <code>{link.externalId}</code> from {link.profileName},
        last changed in the sync of {when(link.fetchedAt)} — {fields.length} fields, stored for
        offline use.
      </p>
      <table className="data-table raw-table">
        <tbody>
          {fields.map((f) => (
            <tr key={f.path} data-testid="raw-field" data-path={f.path}>
              <th>
                <FieldPath path={f.path} />
              </th>
              <td className={f.literal ? 'faint' : undefined}>{f.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MergeReasons(props: { detail: Detail }) {
  const { asset, links } = props.detail;
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [splitInto, setSplitInto] = useState<number[] | undefined>();
  const [busy, setBusy] = useState(false);
  // The button pressed goes away (or is disabled) once it has done its work: the focus moves on
  // to what comes next, "Join them back" after a split and the records after a join, instead of
  // falling to the page.
  const joinButton = useRef<HTMLButtonElement>(null);
  const firstPick = useRef<HTMLInputElement>(null);
  const focusNext = useRef<'join' | 'picks' | undefined>(undefined);
  useEffect(() => {
    const target = focusNext.current === 'join' ? joinButton.current : firstPick.current;
    if (focusNext.current === undefined || target === null) return;
    focusNext.current = undefined;
    target.focus();
  });

  const split = async (): Promise<void> => {
    setBusy(true);
    const records = links
      .filter((l) => picked.has(linkKey(l)))
      .map((l) => ({ profileId: l.profileId, externalId: l.externalId }));
    const result = await bridge().call('inventory:split', { assetId: asset.id, records });
    setBusy(false);
    if (!result.ok) {
      toast.error(`Could not split: ${result.error.message}`);
      return;
    }
    setPicked(new Set());
    focusNext.current = 'join';
    setSplitInto(result.data.assetIds);
    toast.success(`Split into assets ${result.data.assetIds.join(', ')}.`);
  };

  const joinBack = async (ids: number[]): Promise<void> => {
    setBusy(true);
    const result = await bridge().call('inventory:join', { assetIds: ids });
    setBusy(false);
    if (!result.ok) {
      toast.error(`Could not join: ${result.error.message}`);
      return;
    }
    focusNext.current = 'picks';
    setSplitInto(undefined);
    toast.success(`Joined into ${result.data.asset.name}.`);
    useInventoryStore.getState().openDetail(result.data.asset.id);
  };

  return (
    <div data-testid="merge-reasons">
      <p className="muted">
        Records are merged when they share a key (machine id, SMBIOS UUID, serial, MAC, FQDN) or a
        manual join. Pick records to move them into an asset of their own; the decision is kept
        across syncs.
      </p>
      <table className="data-table links-table">
        <thead>
          <tr>
            <th />
            <th>Source</th>
            <th>Record</th>
            <th title="The key the record was matched on, and how sure the match is">Matched on</th>
          </tr>
        </thead>
        <tbody>
          {links.map((l, i) => (
            <tr key={linkKey(l)} data-testid="link-row" data-system={l.system}>
              <td>
                <input
                  ref={i === 0 ? firstPick : undefined}
                  type="checkbox"
                  aria-label={`Pick ${l.name} from ${l.profileName}`}
                  data-testid="link-pick"
                  checked={picked.has(linkKey(l))}
                  onChange={() => {
                    setPicked((p) => {
                      const next = new Set(p);
                      if (!next.delete(linkKey(l))) next.add(linkKey(l));
                      return next;
                    });
                  }}
                />
              </td>
              <td>
                {systemLabels[l.system]} · {l.profileName}
              </td>
              <td>
                {l.name} <code className="faint">{l.externalId}</code>
              </td>
              <td>
                <code data-testid="link-key">{l.matchKey}</code>{' '}
                <span className="muted" data-testid="link-confidence">
                  {Math.round(l.confidence * 100)}%
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="detail-actions">
        <button
          type="button"
          className="button small"
          data-testid="asset-split"
          disabled={busy || picked.size === 0 || picked.size === links.length}
          title={
            picked.size === links.length ? 'Leave at least one record in the asset' : undefined
          }
          onClick={() => void split()}
        >
          <Scissors size={12} aria-hidden /> Split picked records out
        </button>
        {splitInto && splitInto.length > 1 ? (
          <button
            type="button"
            className="button small"
            ref={joinButton}
            data-testid="asset-join-back"
            disabled={busy}
            onClick={() => void joinBack(splitInto)}
          >
            <GitMerge size={12} aria-hidden /> Join them back
          </button>
        ) : null}
      </div>
    </div>
  );
}
