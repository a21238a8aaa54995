// Package asm is the amd64 assembler that terra's JIT emits machine code
// through: a direct, table-driven encoder for the instruction forms a
// baseline compiler emits, with golang-asm
// (github.com/twitchyliquid64/golang-asm) as the reference it is tested
// against and the encoder for every other instruction.
//
// # Why not golang-asm alone
//
// golang-asm spends 0.2 to 0.6 µs of CPU per instruction (it builds a
// linked list of Progs, classifies operands against its optab and relaxes
// branches in repeated passes; the upper figure is with a Builder per
// function); the JIT's compile-speed goal, 30 MB/s of WebAssembly, leaves
// some tens of nanoseconds per instruction. Its global tables are also
// built lazily without synchronization, and it reports operands it cannot
// encode through a DiagFunc that its Builder points at standard output,
// returning code regardless (with a zero byte for a bad address). The
// Assembler encodes the common forms itself, in one pass, in about 15-30 ns
// each without allocating, and goes through golang-asm (GoAsm) only for the
// rest. BenchmarkDirect and BenchmarkGolangAsm compare the two.
//
// # Model
//
// An Assembler appends to one byte buffer. Each method encodes one
// instruction immediately; operands are named in Intel order, destination
// first, and method names spell the operand kinds: R a general-purpose
// register, X an XMM register, M a memory operand (Mem), I an immediate.
// Families of instructions that share an encoding pattern take the
// instruction as a parameter (ArithRR(ADD, W64, RAX, RBX)), which keeps the
// encoder table-driven: an instruction is a table entry (mandatory prefix,
// opcode map, opcode, ModRM extension) and encode.go adds the operand-size
// prefix, REX, ModRM, SIB, displacement and immediate for any of them;
// vex.go does the same with a VEX prefix for the BMI forms (SHLX and
// friends, which shift by any register rather than CL).
//
// Labels are bound once and referenced any number of times before or after.
// A branch to a bound label (backward) takes rel8 when it fits, else rel32;
// a branch forward takes rel32, patched when Bytes resolves the labels.
// There is no relaxation pass: JmpShort and JccShort take rel8 on the
// caller's promise, which Bytes checks. Constants for RIP-relative operands
// (Const32, Const64, Const128) are pooled after the code, aligned to their
// size. Calls to code placed later (CallReloc, JmpReloc, MovReloc) leave a
// field that Relocs lists and Reloc.Apply fills in.
//
// Errors never produce code: a method that cannot encode its operands
// records an *Error (the first one is kept) and emits nothing, and Bytes
// then returns the error instead of the code. The same holds for golang-asm:
// its diagnostics, which it would otherwise print while emitting zeros, and
// its panics become errors.
//
// # Cross-check
//
// Every directly encoded form has a golang-asm equivalent in the tests
// (crosscheck_test.go). TestCrossCheck enumerates, for each form, every
// instruction of its family, width, register in each position, condition
// and edge immediate with memory operands chosen for the ModRM/SIB special
// cases, then every memory operand (each base, index, scale and
// displacement size) and compares the bytes. FuzzCrossCheck draws forms and
// operands at random. The encodings differ from golang-asm's on purpose in
// two places, each checked against the expected bytes instead:
//   - MovRI(W64, r, v) for 0 <= v < 2^31 emits the 5-byte MOV r32, imm32
//     where golang-asm emits the 7-byte sign-extended form.
//   - XchgRR(W32, RAX, RAX) emits 87 C0: golang-asm emits 90, which is NOP
//     in 64-bit mode and does not clear the upper half of RAX.
//
// # Concurrency
//
// An Assembler is used by one goroutine; compile in parallel with one
// Assembler each. golang-asm's global tables are built once, under
// sync.Once, before its first use, and its encodings are cached in a
// concurrent map shared by all Assemblers.
package asm
