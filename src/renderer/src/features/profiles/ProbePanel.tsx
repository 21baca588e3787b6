import { CircleCheck, CircleX, Loader2, Pin } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import {
  hostPortText,
  type ProbeResult,
  type ProbeStage,
  type ProfileView,
} from '../../../../shared/profiles';
import type { ProbeState } from './profiles-store';
import { useProfilesStore } from './profiles-store';

const stageLabels: Record<ProbeStage, string> = {
  dns: 'DNS',
  tcp: 'TCP',
  tls: 'TLS',
  ssh: 'SSH',
};

const trustLabels: Record<NonNullable<ProbeResult['trust']>, string> = {
  ca: 'trusted by a CA',
  pinned: 'matches the pinned fingerprint',
  insecure: 'not checked (insecure)',
};

const dateTime = (iso: string): string => new Date(iso).toLocaleString();

/** The outcome of one probe: each stage with its time, the failure, and what the server showed. */
export function ProbePanel(props: { profile: ProfileView; state: ProbeState }) {
  const { state, profile } = props;
  if (state.status === 'running') {
    return (
      <section className="panel probe" data-testid="probe-panel" aria-busy="true">
        <h2>Probe</h2>
        <p className="muted" data-testid="probe-running">
          <Loader2 size={13} className="spin" aria-hidden /> Probing {profile.name}…
        </p>
      </section>
    );
  }
  if (state.status === 'error') {
    return (
      <section className="panel probe" data-testid="probe-panel">
        <h2>Probe</h2>
        <p className="field-error" role="alert" data-testid="probe-error">
          {state.error.message}
        </p>
      </section>
    );
  }
  const { result } = state;
  return (
    <section
      className="panel probe"
      data-testid="probe-panel"
      data-outcome={result.ok ? 'ok' : 'failed'}
    >
      <h2>Probe</h2>
      <p
        className={result.ok ? 'probe-verdict ok' : 'probe-verdict failed'}
        data-testid="probe-verdict"
      >
        {result.ok
          ? `Reachable: ${hostPortText(result.host, result.port)}${result.address !== null && result.address !== result.host ? ` (${result.address})` : ''}`
          : `Failed at ${result.failure ? stageLabels[result.failure.stage] : 'an early stage'}: ${result.failure?.reason ?? 'unknown'}`}
      </p>
      <ol className="probe-steps" data-testid="probe-steps">
        {result.steps.map((step) => (
          <li
            key={step.stage}
            className={step.ok ? 'ok' : 'failed'}
            data-testid={`probe-step-${step.stage}`}
          >
            {step.ok ? (
              <CircleCheck size={13} aria-label="passed" />
            ) : (
              <CircleX size={13} aria-label="failed" />
            )}
            <span className="probe-stage">{stageLabels[step.stage]}</span>
            <span className="probe-ms">{Math.round(step.ms)} ms</span>
            <span className="probe-message">{step.message}</span>
          </li>
        ))}
      </ol>
      {result.failure ? (
        <p
          className="field-error"
          role="alert"
          data-testid="probe-failure"
          data-reason={result.failure.reason}
        >
          {result.failure.message}
        </p>
      ) : null}
      {result.certificate ? <CertificateFacts profile={profile} result={result} /> : null}
      {result.ssh ? (
        <dl className="facts" data-testid="probe-ssh">
          <dt>Banner</dt>
          <dd>{result.ssh.banner}</dd>
          <dt>Host key</dt>
          <dd>{result.ssh.keyType}</dd>
          <dt>Fingerprint</dt>
          <dd>
            <code data-testid="probe-ssh-fingerprint">{result.ssh.fingerprint}</code>
          </dd>
        </dl>
      ) : null}
    </section>
  );
}

function CertificateFacts(props: { profile: ProfileView; result: ProbeResult }) {
  const certificate = props.result.certificate;
  const [pinning, setPinning] = useState(false);
  if (!certificate) return null;
  const c = props.profile.connection;
  const pinned = c.kind !== 'ssh' && c.tls.pinnedSha256 === certificate.fingerprint256;
  const pin = async (): Promise<void> => {
    setPinning(true);
    const error = await useProfilesStore
      .getState()
      .pin(props.profile.id, certificate.fingerprint256);
    setPinning(false);
    if (error) toast.error(`Could not pin the certificate: ${error.message}`);
    else toast.success(`Pinned the certificate of “${props.profile.name}”.`);
  };
  return (
    <>
      <dl className="facts" data-testid="probe-certificate">
        <dt>Subject</dt>
        <dd data-testid="cert-subject">{certificate.subject}</dd>
        <dt>Issuer</dt>
        <dd data-testid="cert-issuer">
          {certificate.issuer}
          {certificate.selfSigned ? <span className="badge">self-signed</span> : null}
        </dd>
        {certificate.subjectAltName !== '' ? (
          <>
            <dt>Names</dt>
            <dd>{certificate.subjectAltName}</dd>
          </>
        ) : null}
        <dt>Valid</dt>
        <dd data-testid="cert-validity">
          {dateTime(certificate.validFrom)} – {dateTime(certificate.validTo)}
        </dd>
        <dt>SHA-256</dt>
        <dd>
          <code className="fingerprint" data-testid="cert-sha256">
            {certificate.fingerprint256}
          </code>
        </dd>
        {props.result.trust ? (
          <>
            <dt>Trust</dt>
            <dd data-testid="cert-trust">{trustLabels[props.result.trust]}</dd>
          </>
        ) : null}
      </dl>
      {!pinned ? (
        <div className="probe-actions">
          <button
            type="button"
            className="button"
            data-testid="probe-pin"
            disabled={pinning}
            onClick={() => void pin()}
          >
            <Pin size={13} aria-hidden /> Pin this certificate
          </button>
          <span className="field-help">
            Trust exactly this certificate from now on — compare the SHA-256 with the server’s
            first.
          </span>
        </div>
      ) : null}
    </>
  );
}
