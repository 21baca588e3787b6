import net from 'node:net';

/**
 * One address in front of several servers: the first connection goes to the first server, the
 * next to the second, and so on (the last one takes the rest). From the client's side, one host
 * whose key differs between connections — as when one of them is intercepted. `dropAll` cuts the
 * connections open now, as a network that goes away does, and takes new ones.
 */
export async function splitter(
  ports: readonly number[],
): Promise<{ port: number; dropAll(): void; close(): void }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
    const port = ports[Math.min(accepted++, ports.length - 1)] ?? 0;
    const upstream = net.connect(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dropAll = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    dropAll,
    close: () => {
      server.close();
      dropAll();
    },
  };
}
