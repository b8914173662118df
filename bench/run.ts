/**
 * `npm run bench -- NAME`: runs one benchmark. Each measures against a baseline
 * taken in the same run on the same machine and prints, last, one JSON line
 * {"name","metric","value","baseline","ratio","unit"}.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
const file = name ? path.join(here, `${name}.bench.ts`) : '';
if (!name || !existsSync(file)) {
  const names = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).map((f) => f.slice(0, -'.bench.ts'.length));
  console.error(`usage: npm run bench -- <${names.join('|')}>`);
  process.exit(2);
}
const mod = await import(pathToFileURL(file).href);
const result = await mod.default(process.argv.slice(3));
console.log(JSON.stringify(result));
process.exit(0);
