// WASI runner for the report's process measure in V8 (bench/peers/report,
// v8.go), node's counterpart of terra-run and `wazero run`:
//
//	node v8run.mjs MODULE.wasm [ARGS...]
//
// It compiles and instantiates the module with a node:wasi host (preview1,
// argv [MODULE.wasm, ARGS...], the process's standard streams, no
// environment or preopens), runs _start and exits with its exit code.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [path, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [path, ...args], env: {}, preopens: {}, returnOnExit: true });
const module = new WebAssembly.Module(readFileSync(path));
process.exitCode = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
