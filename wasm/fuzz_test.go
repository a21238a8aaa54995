package wasm

import (
	"errors"
	wt "github.com/terra-runtime/terra/internal/wasmtest"
	"os"
	"path/filepath"
	"testing"
)

// specModules returns the .wasm files of the spec suites, for seeding, or
// nil when the suites are not beside the repository.
func specModules(tb testing.TB) []string {
	dir := os.Getenv("TERRA_SPECTEST_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "spectest")
	}
	var files []string
	for _, v := range []string{"v1", "v2"} {
		fs, err := filepath.Glob(filepath.Join(dir, v, "*.wasm"))
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, fs...)
	}
	return files
}

// checkParse parses data under both feature sets and checks that the result
// is either a typed error or a module whose side tables are consistent.
func checkParse(t *testing.T, data []byte) {
	for _, f := range []Features{Features1_0, Features2_0} {
		m, err := Parse(data, f)
		if err != nil {
			var mal *MalformedError
			var inv *InvalidError
			if !errors.As(err, &mal) && !errors.As(err, &inv) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			continue
		}
		if len(m.FuncInfo) != len(m.Code) {
			t.Fatalf("%d side tables for %d bodies", len(m.FuncInfo), len(m.Code))
		}
		for i, fi := range m.FuncInfo {
			n := uint32(len(m.Code[i].Body))
			if len(fi.Blocks) == 0 || fi.Blocks[0].End != n-1 {
				t.Fatalf("func %d: body block %+v, body length %d", i, fi.Blocks, n)
			}
			for _, b := range fi.Blocks[1:] {
				if b.Start >= b.End || b.End >= n || (b.Else != 0 && (b.Else <= b.Start || b.Else >= b.End)) {
					t.Fatalf("func %d: inconsistent block %+v", i, b)
				}
				if b.Height+b.Params > fi.MaxHeight || b.Slots+b.ParamSlots > fi.MaxSlots {
					t.Fatalf("func %d: block %+v above max height %d/%d", i, b, fi.MaxHeight, fi.MaxSlots)
				}
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, file := range specModules(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(oneFunc(nil, nil, body(nil, 0x0B)))
	f.Fuzz(checkParse)
}

// FuzzCode fuzzes one function body of type [i32] -> [i32] inside a module
// that declares a table, a memory, globals, data and element segments, so
// that most instructions have something to refer to.
func FuzzCode(f *testing.F) {
	f.Add([]byte{0x20, 0x00, 0x0B})
	f.Add([]byte{0x02, 0x7F, 0x20, 0x00, 0x04, 0x7B, 0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x05, 0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B, 0x1A, 0x03, 0x40, 0x0C, 0x00,
		0x0B, 0x41, 0x07, 0x0B, 0x0B})
	f.Add([]byte{0x41, 0x00, 0x28, 0x02, 0x00, 0x0E, 0x01, 0x00, 0x00, 0x0B})
	f.Add([]byte{0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x20, 0x00, 0x0B})
	for _, file := range specModules(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if m, err := Decode(data, Features2_0); err == nil {
			for _, c := range m.Code {
				f.Add(c.Body)
			}
		}
	}
	f.Fuzz(func(t *testing.T, code []byte) {
		checkParse(t, wt.Module(
			wt.Section(secType, wt.Vec(funcType([]ValueType{I32}, []ValueType{I32}), funcType(nil, nil))),
			wt.Section(secFunction, wt.Vec([]byte{0})),
			wt.Section(secTable, wt.Vec([]byte{byte(FuncRef), 0, 1}, []byte{byte(ExternRef), 0, 1})),
			wt.Section(secMemory, wt.Vec([]byte{0, 1})),
			wt.Section(secGlobal, wt.Vec([]byte{byte(I32), 1, 0x41, 0, 0x0B}, []byte{byte(F64), 0, 0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B})),
			wt.Section(secExport, wt.Vec(wt.Cat([]byte{1, 'f', byte(ExternFunc)}, wt.ULEB(0)))),
			wt.Section(secElement, wt.Vec([]byte{1, 0, 0})),
			wt.Section(secDataCount, wt.ULEB(1)),
			wt.Section(secCode, wt.Vec(body([]byte{2, 1, byte(I64), 1, byte(V128)}, code...))),
			wt.Section(secData, wt.Vec([]byte{1, 0})),
		))
	})
}
