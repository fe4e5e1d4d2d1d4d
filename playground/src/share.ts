/**
 * The whole playground state in the URL hash: JSON, deflate-raw (CompressionStream), base64url.
 * No server: the link itself reproduces the bug.
 */

const PREFIX = '#s=';

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * Encodes a state as a URL hash.
 */
export async function encodeState(state: unknown): Promise<string> {
  return PREFIX + toBase64Url(await pipe(new TextEncoder().encode(JSON.stringify(state)), new CompressionStream('deflate-raw')));
}

/**
 * Decodes a hash written by {@link encodeState}; undefined when the hash holds none.
 *
 * @throws Error when the hash is damaged.
 */
export async function decodeState(hash: string): Promise<unknown> {
  if (!hash.startsWith(PREFIX)) return undefined;
  const bytes = await pipe(fromBase64Url(hash.slice(PREFIX.length)), new DecompressionStream('deflate-raw'));
  return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
}

/**
 * Offers bytes or text as a file download.
 */
export function download(name: string, contents: Uint8Array | string): void {
  const url = URL.createObjectURL(new Blob([contents as BlobPart]));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
