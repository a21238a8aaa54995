// V8 runner of the benchmark report (bench/peers/report, v8.go), run by
// node 22 or later with a module's bytes on standard input:
//
//	node v8.mjs kernel NAME ARG COUNT < WASM
//	node v8.mjs program NAME ARG COUNT < WASM
//	node --no-wasm-native-module-cache v8.mjs startup MEASURE IMPORTS COUNT KEEP < WASM
//
// kernel instantiates the module (no imports), calls the export NAME(ARG)
// once untimed, then times COUNT calls. program compiles the module once,
// then times COUNT runs, each of which makes a new node:wasi host
// (preview1, argv [NAME, ARG], no environment or preopens), instantiates
// the module and runs _start, with stdout written to a temporary file and
// stderr discarded.
//
// startup times COUNT iterations of one start-up measure of bench.Startup,
// each alone: compile (new WebAssembly.Module of the bytes), instantiate
// (new WebAssembly.Instance of a module compiled beforehand),
// instantiate-fresh (the same, with every earlier instance of the measure
// kept referenced, at most KEEP of them: then, untimed, they are dropped
// and the module is compiled anew, as bench.Fresh does),
// first-instruction (compile, instantiate and call add(2, 3)), first-call
// (the first call of add on a fresh instance of a freshly compiled module,
// alone) or warm-call (a call of add on an instance that has called it
// before). IMPORTS is none, or wasi for a module that imports WASI: its
// instances share one node:wasi host made beforehand, and _start is never
// run. node must run with its native-module cache off, so that each
// compile compiles anew instead of finding the module of an earlier
// iteration, still alive: V8 cannot close a module or an instance, which
// its garbage collector frees when it sees fit.
//
// It prints one JSON object to stdout: runs_ns, each timed run's duration
// in nanoseconds, and checksums, each run's result for the report to check:
// a kernel's or add's as 0x-prefixed hex of the unsigned 64-bit value, a
// program's standard output, or for a start-up module without add (a WASI
// program) "_start" if its instance exports a function _start. A
// start-up iteration that makes no instance of its own to call add on
// (compile) makes one after the timing.
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

// since returns the nanoseconds elapsed since t0, a process.hrtime.bigint().
function since(t0) {
  return Number(process.hrtime.bigint() - t0);
}

// startupImports returns the imports for the instances of a start-up
// module: none, or with kind wasi those of one node:wasi host, made here
// and shared by every instance as terra's and wazero's instances share one
// WASI host module.
function startupImports(kind) {
  if (kind === 'none') return {};
  if (kind !== 'wasi') throw new Error(`unknown imports ${kind}`);
  const wasi = new WASI({ version: 'preview1', args: ['startup'], env: {}, preopens: {}, returnOnExit: true });
  return wasi.getImportObject();
}

// probe returns the checksum of a start-up instance: add(2, 3), or for a
// module without add "_start" if it exports a function of that name.
function probe(instance) {
  const { add, _start } = instance.exports;
  if (typeof add === 'function') return hex(add(2, 3));
  return typeof _start === 'function' ? '_start' : 'neither add nor _start';
}

// timeAdd times one call of add(2, 3) and returns its duration and result.
function timeAdd(add) {
  const t0 = process.hrtime.bigint();
  const v = add(2, 3);
  const ns = since(t0);
  return [ns, hex(v)];
}

// timeInstance times one instantiation of module and returns its duration
// and the instance.
function timeInstance(module, imports) {
  const t0 = process.hrtime.bigint();
  const instance = new WebAssembly.Instance(module, imports);
  return [since(t0), instance];
}

// startupIteration makes what the iterations of measure on the module
// bytes share, and returns one iteration: a function that does the
// measure's work once and returns its duration in nanoseconds and its
// checksum.
function startupIteration(measure, bytes, imports, keep) {
  const fresh = () => new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  switch (measure) {
    case 'compile':
      return () => {
        const t0 = process.hrtime.bigint();
        const module = new WebAssembly.Module(bytes);
        const ns = since(t0);
        return [ns, probe(new WebAssembly.Instance(module, imports))];
      };
    case 'instantiate': {
      const module = new WebAssembly.Module(bytes);
      return () => {
        const [ns, instance] = timeInstance(module, imports);
        return [ns, probe(instance)];
      };
    }
    case 'instantiate-fresh': {
      let module = new WebAssembly.Module(bytes);
      let open = [];
      return () => {
        if (open.length >= keep) {
          open = [];
          module = new WebAssembly.Module(bytes);
        }
        const [ns, instance] = timeInstance(module, imports);
        open.push(instance);
        return [ns, probe(instance)];
      };
    }
    case 'first-instruction':
      return () => {
        const t0 = process.hrtime.bigint();
        const v = fresh().exports.add(2, 3);
        const ns = since(t0);
        return [ns, hex(v)];
      };
    case 'first-call':
      return () => timeAdd(fresh().exports.add);
    case 'warm-call': {
      const { add } = fresh().exports;
      add(2, 3);
      return () => timeAdd(add);
    }
  }
  throw new Error(`unknown start-up measure ${measure}`);
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
    runs.push(since(t0));
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
      runs.push(since(t0));
      closeSync(outFd);
      if (code !== 0) throw new Error(`${name} exited with code ${code}`);
      checksums.push(readFileSync(outPath, 'utf8'));
    }
  } finally {
    closeSync(nullFd);
    rmSync(dir, { recursive: true });
  }
} else if (mode === 'startup') {
  const [measure, imports, countText, keepText] = rest;
  const iteration = startupIteration(measure, readFileSync(0), startupImports(imports), Number(keepText));
  for (let i = 0; i < Number(countText); i++) {
    const [ns, checksum] = iteration();
    runs.push(ns);
    checksums.push(checksum);
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(JSON.stringify({ runs_ns: runs, checksums }) + '\n');
