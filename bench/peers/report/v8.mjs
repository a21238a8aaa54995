// V8 runner of the benchmark report (bench/peers/report, v8.go), run by
// node 22 or later with a module's bytes on standard input:
//
//	node v8.mjs kernel NAME ARG COUNT < WASM
//	node v8.mjs program NAME ARG COUNT < WASM
//	node v8.mjs startup COUNT < WASM
//
// kernel instantiates the module (no imports), calls the export NAME(ARG)
// once untimed, then times COUNT calls. program compiles the module once,
// then times COUNT runs, each of which makes a new node:wasi host
// (preview1, argv [NAME, ARG], no environment or preopens), instantiates
// the module and runs _start, with stdout written to a temporary file and
// stderr discarded. startup compiles bench.TinyModule (an export "add" and
// a memory) and times COUNT instantiations of it with new
// WebAssembly.Instance; each instance then calls add(2, 3), untimed.
//
// It prints one JSON object to stdout: runs_ns, each timed run's duration
// in nanoseconds, and checksums, each run's result for the report to check:
// a kernel's or add's as 0x-prefixed hex of the unsigned 64-bit value, a
// program's standard output.
import { readFileSync, openSync, closeSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';

const [mode, ...rest] = process.argv.slice(1);
const runs = [];
const checksums = [];

// hex formats a wasm result as Go's %#x formats it as a uint64.
function hex(v) {
  if (typeof v === 'bigint') return '0x' + BigInt.asUintN(64, v).toString(16);
  return '0x' + (v >>> 0).toString(16);
}

if (mode === 'kernel') {
  const [name, argText, countText] = rest;
  const arg = Number(argText);
  const { instance } = await WebAssembly.instantiate(readFileSync(0), {});
  const fn = instance.exports[name];
  if (typeof fn !== 'function') throw new Error(`no exported function ${name}`);
  checksums.push(hex(fn(arg)));
  for (let i = 0; i < Number(countText); i++) {
    const t0 = process.hrtime.bigint();
    const v = fn(arg);
    runs.push(Number(process.hrtime.bigint() - t0));
    checksums.push(hex(v));
  }
} else if (mode === 'program') {
  const [name, argText, countText] = rest;
  const module = await WebAssembly.compile(readFileSync(0));
  const dir = mkdtempSync(join(tmpdir(), 'terra-v8-'));
  const outPath = join(dir, 'stdout');
  const nullFd = openSync('/dev/null', 'w');
  try {
    for (let i = 0; i < Number(countText); i++) {
      const outFd = openSync(outPath, 'w');
      const t0 = process.hrtime.bigint();
      const wasi = new WASI({
        version: 'preview1', args: [name, argText], env: {}, preopens: {},
        stdout: outFd, stderr: nullFd, returnOnExit: true,
      });
      const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
      const code = wasi.start(instance);
      runs.push(Number(process.hrtime.bigint() - t0));
      closeSync(outFd);
      if (code !== 0) throw new Error(`${name} exited with code ${code}`);
      checksums.push(readFileSync(outPath, 'utf8'));
    }
  } finally {
    closeSync(nullFd);
    rmSync(dir, { recursive: true });
  }
} else if (mode === 'startup') {
  const [countText] = rest;
  const module = new WebAssembly.Module(readFileSync(0));
  for (let i = 0; i < Number(countText); i++) {
    const t0 = process.hrtime.bigint();
    const instance = new WebAssembly.Instance(module, {});
    runs.push(Number(process.hrtime.bigint() - t0));
    checksums.push(hex(instance.exports.add(2, 3)));
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(JSON.stringify({ runs_ns: runs, checksums }) + '\n');
