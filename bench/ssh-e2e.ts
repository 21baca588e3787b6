/**
 * End-to-end terminal benchmark: sshd → ssh2 (worker) → browser-host terminal stream → xterm.js
 * painting in Chromium. Every figure is printed beside the reference it is judged against,
 * measured in the same run:
 *
 * - output throughput against the OpenSSH `ssh` client writing the same output to /dev/null
 *   (target ≥ 0.6×), against bare xterm.js writing the same bytes in the same page (the
 *   ceiling of any terminal in this browser), and against the OpenSSH client's output relayed
 *   over a plain WebSocket into bare xterm.js (the simplest pipeline that paints); the whole
 *   machine's CPU time for the app's run and for OpenSSH's, since both share its cores;
 * - Ctrl-C during a `yes` flood: time until the prompt is painted (target p95 ≤ 250 ms);
 * - keystroke → echo painted p50, beside bare xterm.js write → paint in the same page plus a
 *   WebSocket echo round trip to this process and an SSH echo round trip with ssh2 alone;
 * - memory per idle tab (renderer JS heap and DOM nodes after CDP garbage collection, divided by
 *   the number of tabs) and per session on the host side (resident set of the host process; the
 *   set-up's first session has already started the host's SSH worker).
 *
 * The stream is instrumented from the page (messages, sizes, acknowledgements, arrival times),
 * so where the time goes is printed too. Set-up (vault, profile, host key) goes through
 * Playwright; everything measured runs in pages Playwright does not attach to (`cdp-page.ts`),
 * since its instrumentation copies every WebSocket frame to this process. Needs
 * `npx electron-vite build`.
 *
 *   npx tsx bench/ssh-e2e.ts [--mb 16] [--tabs 6] [--runs 3] [--profile] [--trace file.json]
 *
 * `--profile` prints the renderer functions with the most self time in the first run, and in
 * the second bare xterm.js run;
 * `--trace` writes a Chrome trace of the first run (open it in chrome://tracing or Perfetto).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../e2e/support/electron';
import { startHostProcess } from '../e2e/support/browser-host-process';
import { ProfilesPage } from '../e2e/pages/profiles-page';
import { TerminalsPage } from '../e2e/pages/terminals-page';
import { VaultPage } from '../e2e/pages/vault-page';
import { generateKey, startSshd } from '../src/main/ssh/test-support/sshd';
import { freePort } from '../src/main/test-support/free-port';
import { CdpPage } from './cdp-page';
import { hottestFunctions, percentile, type CpuProfile } from './common';
import {
  browserCpuSeconds,
  cpuSeconds,
  hostPid,
  machineCpuSeconds,
  residentMiB,
} from './process-cpu';
import {
  addBareTerminal,
  bareEcho,
  bareThroughput,
  installStreamProbe,
  keyToPaint,
  paintedText,
  readProbe,
  rendererBusy,
  rendererMemory,
  resetProbe,
  visibleRows,
} from './ssh-e2e-page';
import { opensshIntoBareXterm, opensshSeconds, sshEcho, webSocketEcho } from './ssh-e2e-references';

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mb: { type: 'string', default: '16' },
      tabs: { type: 'string', default: '6' },
      runs: { type: 'string', default: '3' },
      profile: { type: 'boolean', default: false },
      trace: { type: 'string' },
    },
  });
  const profile = values.profile;
  const trace = values.trace;
  let hottest: { function: string; url: string; self_ms: number }[] = [];
  let hottestBare: { function: string; url: string; self_ms: number }[] = [];
  const mb = Number(values.mb);
  const tabs = Number(values.tabs);
  const runs = Number(values.runs);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rackside-bench-ssh-'));
  const dataDir = path.join(dir, 'data');
  const [hostKey, client] = await Promise.all([
    generateKey(dir, 'host'),
    generateKey(dir, 'client'),
  ]);
  const sshd = await startSshd(dir, { hostKey, authorizedKeys: [client.publicLine] });
  const host = await startHostProcess(dataDir);
  const debuggingPort = await freePort();
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...chromiumArgs, `--remote-debugging-port=${String(debuggingPort)}`],
  });
  const viewport = { width: 1360, height: 860 };
  // tsx keeps function names with a `__name` helper that page-side functions must find.
  const pageScripts = ['globalThis.__name = (fn) => fn;', `(${installStreamProbe.toString()})();`];
  const log = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const began = performance.now();
  const stage = (what: string): void => {
    process.stderr.write(`[${((performance.now() - began) / 1000).toFixed(1)} s] ${what}\n`);
  };
  try {
    // Set up through Playwright: the vault, the profile, and its host key remembered.
    const setup = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await setup.goto(host.url);
    await new VaultPage(setup).setup('bench passphrase 1234 abcd');
    const profiles = new ProfilesPage(setup);
    await profiles.open();
    await profiles.startNew('ssh');
    await profiles.choose('auth-mode', 'key');
    await profiles.fill({
      name: 'bench',
      'connection.host': '127.0.0.1',
      'connection.port': String(sshd.port),
      'connection.username': 'root',
      'connection.auth.keyFile': client.privatePath,
    });
    await profiles.save();
    await profiles.select('bench');
    await profiles.detail().getByTestId('profile-connect').click();
    const setupTerm = new TerminalsPage(setup);
    await setupTerm.acceptHostKey('remember');
    await setupTerm.expectState('open');
    await setup.close();

    // Measured in a page of its own, which Playwright does not instrument (see cdp-page.ts).
    const page = await CdpPage.open(debuggingPort, { ...viewport, initScripts: pageScripts });
    const cdp = page;
    await page.send('Performance.enable');
    await page.goto(host.url);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="app-ready"]') !== null,
      null,
    );
    const term = {
      open: async (): Promise<void> => {
        await page.click('[data-testid="nav-terminals"]');
        await page.waitForFunction(
          () => document.querySelector('[data-testid="terminals-page"]') !== null,
          null,
        );
      },
      /** Clicks into the visible terminal, types `command` and presses Enter. */
      run: async (command: string): Promise<void> => {
        await term.type(command);
        await page.press('Enter');
      },
      type: async (text: string): Promise<void> => {
        await page.click(
          '[data-testid="term-view"][data-visible="true"] [data-testid="term-host"]',
        );
        await page.type(text);
      },
    };
    const openTab = async (count: number): Promise<void> => {
      await page.click('[data-testid="nav-profiles"]');
      await page.click('[data-testid="profile-row"][data-name="bench"]');
      await page.click(
        '[data-testid="profile-detail"][data-name="bench"] [data-testid="profile-connect"]',
      );
      // The new tab is shown, open, beside the ones before it.
      await page.waitForFunction(
        (tabs) =>
          document.querySelectorAll('[data-testid="term-tab"]').length === tabs &&
          [...document.querySelectorAll<HTMLElement>('[data-testid="term-status"]')].every(
            (status) => status.dataset.state === 'open',
          ),
        count,
        20_000,
      );
    };

    stage('memory per idle tab');
    // Memory per idle tab: an empty Terminals section, then `tabs` idle sessions.
    const pid = await hostPid(dataDir);
    await term.open();
    const emptyRenderer = await rendererMemory(cdp);
    const emptyHost = await residentMiB(pid);
    for (let i = 0; i < tabs; i += 1) await openTab(i + 1);
    await page.waitForTimeout(1000);
    const idleRenderer = await rendererMemory(cdp);
    const idleHost = await residentMiB(pid);
    const memory = {
      tabs,
      renderer_heap_mib_per_tab: round((idleRenderer.heapMiB - emptyRenderer.heapMiB) / tabs),
      renderer_dom_nodes_per_tab: Math.round((idleRenderer.nodes - emptyRenderer.nodes) / tabs),
      host_rss_mib_per_session: round((idleHost - emptyHost) / tabs),
      renderer_heap_mib_empty: round(emptyRenderer.heapMiB),
      host_rss_mib_empty: round(emptyHost),
    };
    // Everything below runs in the last (visible) tab.

    stage('throughput');
    // Throughput: printable output (base64 of zeros) so xterm.js really paints every byte.
    const bytes = mb * 1024 * 1024;
    const command = `head -c ${String((bytes * 3) / 4)} /dev/zero | base64 -w 200`;
    const throughput: {
      openssh_s: number;
      rackside_s: number;
      first_byte_ms: number;
      last_byte_ms: number;
      messages: number;
      mean_message_kib: number;
      largest_message_kib: number;
      frames_sent: number;
      renderer_task_s: number;
      renderer_script_s: number;
      renderer_layout_style_s: number;
      host_cpu_s: number;
      machine_cpu_s: number;
      openssh_machine_cpu_s: number;
      browser_cpu_s: number;
    }[] = [];
    for (let run = 0; run < runs; run += 1) {
      const opensshCpuBefore = await machineCpuSeconds();
      const openssh = await opensshSeconds(sshd.port, client.privatePath, command);
      const opensshCpu = (await machineCpuSeconds()) - opensshCpuBefore;
      await term.run('clear');
      await page.waitForTimeout(300);
      await term.type(`${command}; echo END-$((40+${String(run)}))`);
      await page.waitForTimeout(300);
      await resetProbe(page);
      const marker = `END-${String(40 + run)}`;
      if (trace !== undefined && run === 0) {
        await browser.startTracing(undefined, {
          path: trace,
          categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'],
        });
      }
      if (profile && run === 0) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
        await cdp.send('Profiler.start');
      }
      const busyBefore = await rendererBusy(cdp);
      const cpuBefore = await cpuSeconds(pid);
      const machineBefore = await machineCpuSeconds();
      const browserBefore = await browserCpuSeconds();
      const started = await page.evaluate(() => performance.now());
      const done = paintedText(page, marker);
      // Awaited below; a failure before then must not end the process without cleaning up.
      done.catch(() => undefined);
      await page.press('Enter');
      const finished = await done;
      const cpuAfter = await cpuSeconds(pid);
      const machineAfter = await machineCpuSeconds();
      const browserAfter = await browserCpuSeconds();
      const busyAfter = await rendererBusy(cdp);
      if (trace !== undefined && run === 0) await browser.stopTracing();
      if (profile && run === 0) {
        const { profile: cpu } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop');
        hottest = hottestFunctions(cpu);
      }
      const probe = await readProbe(page);
      const busy = (name: string): number => (busyAfter[name] ?? 0) - (busyBefore[name] ?? 0);
      throughput.push({
        openssh_s: openssh,
        rackside_s: (finished - started) / 1000,
        first_byte_ms: probe.first - started,
        last_byte_ms: probe.last - started,
        messages: probe.messages,
        mean_message_kib: probe.bytes / Math.max(1, probe.messages) / 1024,
        largest_message_kib: probe.largest / 1024,
        frames_sent: probe.sent,
        renderer_task_s: busy('TaskDuration'),
        renderer_script_s: busy('ScriptDuration'),
        renderer_layout_style_s: busy('LayoutDuration') + busy('RecalcStyleDuration'),
        host_cpu_s: cpuAfter - cpuBefore,
        machine_cpu_s: machineAfter - machineBefore,
        openssh_machine_cpu_s: opensshCpu,
        browser_cpu_s: browserAfter - browserBefore,
      });
    }
    const best = (pick: (t: (typeof throughput)[number]) => number): number =>
      Math.min(...throughput.map(pick));
    const bestRun = throughput.reduce((a, b) => (b.rackside_s < a.rackside_s ? b : a));

    stage('keystroke echo');
    // Keystroke → echo painted.
    const echoes: number[] = [];
    await term.run('clear');
    await page.waitForTimeout(300);
    for (let i = 0; i < 30; i += 1) {
      await page.waitForTimeout(20);
      const before = await page.evaluate(
        (selector) =>
          (document.querySelector(selector)?.textContent ?? '').replace(/\s/g, '').length,
        visibleRows,
      );
      const painted = await keyToPaint(page, String(i % 10), { longerThan: before });
      await page.type(String(i % 10));
      echoes.push((await painted()).ms);
    }
    await page.press('Control+U');

    stage('Ctrl-C');
    // Ctrl-C during a `yes` flood: time until the prompt is painted again.
    const stops: number[] = [];
    const afterInterrupt: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      await term.run('clear');
      await term.run('yes rackside-flood');
      await page.waitForFunction(
        (selector) => document.querySelector(selector)?.textContent.includes('rackside-flood'),
        visibleRows,
      );
      await page.waitForTimeout(300);
      const stopped = await keyToPaint(page, 'c', { prompt: true });
      await page.press('Control+C');
      const { ms, bytesAfter } = await stopped();
      stops.push(ms);
      afterInterrupt.push(bytesAfter);
    }
    await term.run('clear');

    stage('references');
    // References for the echo and the throughput ceiling, in the same page.
    await addBareTerminal(page);
    stage('bare xterm.js throughput');
    const bareRuns: { seconds: number; cpu: number }[] = [];
    for (let i = 0; i < 2; i += 1) {
      if (profile && i === 1) {
        await cdp.send('Profiler.start');
      }
      const cpuBefore = await browserCpuSeconds();
      const seconds = await bareThroughput(page, bytes);
      bareRuns.push({ seconds, cpu: (await browserCpuSeconds()) - cpuBefore });
      if (profile && i === 1) {
        const { profile: cpu } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop');
        hottestBare = hottestFunctions(cpu);
      }
    }
    const bareSeconds = Math.min(...bareRuns.map((r) => r.seconds));
    stage('OpenSSH into bare xterm.js');
    const relayPage = await CdpPage.open(debuggingPort, { ...viewport, initScripts: pageScripts });
    const appSize = await page.evaluate((rows) => {
      const screen = document
        .querySelector(rows)
        ?.closest('.xterm')
        ?.querySelector('.xterm-screen');
      const width = screen?.getBoundingClientRect().width ?? 900;
      const count = document.querySelectorAll(`${rows} > div`).length;
      return { cols: Math.max(2, Math.floor(width / 9)), rows: Math.max(2, count) };
    }, visibleRows);
    const relayRuns: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      relayRuns.push(
        await opensshIntoBareXterm(relayPage, appSize, {
          port: sshd.port,
          key: client.privatePath,
          command,
          marker: `RELAY-${String(60 + i)}`,
        }),
      );
    }
    await relayPage.close();
    const relaySeconds = Math.min(...relayRuns);
    const bareCpu = Math.min(...bareRuns.map((r) => r.cpu));
    stage('bare xterm.js echo');
    const bareEchoes = await bareEcho(page, 30);
    stage('WebSocket and ssh2 echo');
    const echoPage = await CdpPage.open(debuggingPort, { ...viewport, initScripts: pageScripts });
    const wsEchoes = await webSocketEcho(echoPage, 30);
    await echoPage.close();
    const privateKey = await fs.readFile(client.privatePath, 'utf8');
    const sshEchoes = await sshEcho(sshd.port, privateKey, 30);

    const openssh = best((t) => t.openssh_s);
    const rackside = best((t) => t.rackside_s);
    const echoP50 = percentile(echoes, 50);
    const reference = {
      xterm_write_paint_p50_ms: round(percentile(bareEchoes, 50)),
      websocket_echo_p50_ms: round(percentile(wsEchoes, 50)),
      ssh2_echo_p50_ms: round(percentile(sshEchoes, 50)),
    };
    const echoReference =
      reference.xterm_write_paint_p50_ms +
      reference.websocket_echo_p50_ms +
      reference.ssh2_echo_p50_ms;
    // The raw channel figure from bench/ssh-raw.ts, when it ran just before (npm run bench -- ssh).
    const raw = await fs
      .readFile('bench/results/ssh-raw.json', 'utf8')
      .then((text) => JSON.parse(text) as unknown)
      .catch(() => null);
    const result = {
      name: 'ssh-e2e',
      raw,
      mb,
      runs,
      throughput: {
        openssh_s: round(openssh, 3),
        rackside_s: round(rackside, 3),
        ratio: round(openssh / rackside, 3),
        target_ratio: 0.6,
        bare_xterm_s: round(bareSeconds, 3),
        bare_xterm_browser_cpu_s: round(bareCpu, 3),
        ratio_to_bare_xterm: round(bareSeconds / rackside, 3),
        openssh_relayed_into_bare_xterm_s: round(relaySeconds, 3),
        cores: os.availableParallelism(),
        best_run: {
          first_byte_ms: round(bestRun.first_byte_ms),
          last_byte_arrived_ms: round(bestRun.last_byte_ms),
          painted_ms: round(bestRun.rackside_s * 1000),
          messages: bestRun.messages,
          mean_message_kib: round(bestRun.mean_message_kib),
          largest_message_kib: round(bestRun.largest_message_kib),
          frames_sent_by_renderer: bestRun.frames_sent,
          renderer_main_thread_busy_s: round(bestRun.renderer_task_s, 3),
          renderer_script_s: round(bestRun.renderer_script_s, 3),
          renderer_layout_and_style_s: round(bestRun.renderer_layout_style_s, 3),
          host_process_cpu_s: round(bestRun.host_cpu_s, 3),
          machine_cpu_s: round(bestRun.machine_cpu_s, 3),
          openssh_machine_cpu_s: round(bestRun.openssh_machine_cpu_s, 3),
          browser_cpu_s: round(bestRun.browser_cpu_s, 3),
        },
        all_runs_s: throughput.map((t) => ({
          openssh: round(t.openssh_s, 3),
          rackside: round(t.rackside_s, 3),
          browser_cpu: round(t.browser_cpu_s, 3),
          host_cpu: round(t.host_cpu_s, 3),
        })),
      },
      ctrl_c: {
        stop_p50_ms: round(percentile(stops, 50)),
        stop_p95_ms: round(percentile(stops, 95)),
        target_p95_ms: 250,
        samples_ms: stops.map((s) => round(s, 0)),
        kib_arriving_after_ctrl_c: afterInterrupt.map((b) => Math.round(b / 1024)),
      },
      echo: {
        p50_ms: round(echoP50),
        reference_p50_ms: round(echoReference),
        reference,
      },
      memory,
    };
    log(JSON.stringify(result, null, 2));
    if (profile) {
      log(JSON.stringify({ renderer_profile_first_run: hottest }, null, 2));
      log(JSON.stringify({ renderer_profile_bare_xterm: hottestBare }, null, 2));
    }
    log('');
    log(
      `end-to-end ${result.throughput.ratio.toFixed(2)}× OpenSSH (target ≥ 0.6×, stretch 0.8×): ` +
        `${String(mb)} MB in ${rackside.toFixed(2)} s, OpenSSH ssh -tt to /dev/null ${openssh.toFixed(2)} s (best of ${String(runs)})`,
    );
    log(
      `end-to-end ${result.throughput.ratio_to_bare_xterm.toFixed(2)}× bare xterm.js in the same page ` +
        `(${bareSeconds.toFixed(2)} s for the same bytes); browser CPU ` +
        `${bestRun.browser_cpu_s.toFixed(2)} s vs ${bareCpu.toFixed(2)} s for bare xterm.js`,
    );
    log(
      `OpenSSH's client relayed over a WebSocket into bare xterm.js: ${relaySeconds.toFixed(2)} s ` +
        `for the same bytes (the app ${rackside.toFixed(2)} s); whole-machine CPU on ` +
        `${String(result.throughput.cores)} cores: the app's run ${bestRun.machine_cpu_s.toFixed(2)} s, ` +
        `OpenSSH to /dev/null ${bestRun.openssh_machine_cpu_s.toFixed(2)} s`,
    );
    log(
      `Ctrl-C during a flood: p95 ${result.ctrl_c.stop_p95_ms.toFixed(0)} ms ` +
        `(target ≤ 250 ms), p50 ${result.ctrl_c.stop_p50_ms.toFixed(0)} ms`,
    );
    log(
      `keystroke → echo painted p50 ${echoP50.toFixed(1)} ms; reference ${echoReference.toFixed(1)} ms = ` +
        `bare xterm.js write→paint ${String(reference.xterm_write_paint_p50_ms)} ms + ` +
        `WebSocket echo ${String(reference.websocket_echo_p50_ms)} ms + ` +
        `ssh2 PTY echo ${String(reference.ssh2_echo_p50_ms)} ms`,
    );
    log(
      `memory per idle tab (${String(tabs)} tabs, after GC): renderer JS heap ` +
        `${String(memory.renderer_heap_mib_per_tab)} MiB, ${String(memory.renderer_dom_nodes_per_tab)} DOM nodes; ` +
        `host process RSS ${String(memory.host_rss_mib_per_session)} MiB per session`,
    );
    await fs.mkdir('bench/results', { recursive: true });
    await fs.writeFile('bench/results/ssh.json', `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await browser.close();
    await host.stop();
    await sshd.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
