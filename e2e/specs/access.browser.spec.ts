import http from 'node:http';
import WebSocket from 'ws';
import { expect, test } from '../support/fixtures';

test('the address without its token is refused', async ({ app }) => {
  const response = await app.page.request.get(`${app.host!.origin}/`, {
    headers: { cookie: '' },
    failOnStatusCode: false,
  });
  expect(response.status()).toBe(401);
  expect(await response.text()).toContain('needs the token');
});

test('a WebSocket with the token but another Origin is refused with 403', async ({ app }) => {
  const status = await new Promise<number>((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${app.host!.port}/rpc?token=${app.host!.token}`, {
      origin: 'http://127.0.0.1:1',
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
    });
    socket.on('open', () => {
      resolve(101);
    });
    socket.on('error', () => undefined);
  });
  expect(status).toBe(403);
});

test('a page from another local origin cannot reach the contract, even knowing the token', async ({
  app,
}) => {
  const target = `ws://127.0.0.1:${app.host!.port}/rpc?token=${app.host!.token}`;
  const evil = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<script>
      const ws = new WebSocket(${JSON.stringify(target)});
      ws.onopen = () => { document.title = 'connected'; };
      ws.onerror = () => { document.title = 'refused'; };
    </script>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  const address = evil.address();
  try {
    const page = await app.page.context().newPage();
    await page.goto(
      `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`,
    );
    await expect(page).toHaveTitle('refused');
    await page.close();
  } finally {
    evil.close();
  }
});

test('the app shows a reconnecting banner while its server is away', async ({ app }) => {
  await app.host!.stop();
  await expect(app.page.getByTestId('connection-banner')).toBeVisible();
});
