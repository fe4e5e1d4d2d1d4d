/**
 * `npm run example:cloudflare`: builds the edge CMS Worker, serves it with the real workerd
 * binary, and says where once it answers (workerd itself prints nothing when it listens).
 *
 * @example
 * ```sh
 * node --import tsx examples/edge/cloudflare/serve.ts 8787
 * ```
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildEdgeCmsWorker } from './build.ts';

const port = Number(process.argv[2] ?? 8787);
const config = await buildEdgeCmsWorker(port);
const workerd = spawn(join(process.cwd(), 'node_modules', '.bin', 'workerd'), ['serve', config], { stdio: 'inherit' });
workerd.on('exit', (code) => process.exit(code ?? 1));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => workerd.kill(signal));

const url = `http://127.0.0.1:${port}/`;
for (let attempt = 0; attempt < 300; attempt++) {
  try {
    await fetch(url);
    console.log(`listening on ${url} (workerd; try ${url}plugins-at-the-edge)`);
    break;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
