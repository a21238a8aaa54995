package terra_test

import (
	"context"
	"fmt"
	"log"

	"github.com/terra-runtime/terra"
)

// addWasm is this module, in the binary format:
//
//	(module
//	  (import "env" "log" (func $log (param i32)))
//	  (func (export "add") (param i32 i32) (result i32)
//	    (call $log (i32.add (local.get 0) (local.get 1)))
//	    (i32.add (local.get 0) (local.get 1))))
var addWasm = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
	0x01, 0x0b, 0x02, // type section: 2 types
	0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, // 0: (i32, i32) -> i32
	0x60, 0x01, 0x7f, 0x00, // 1: (i32) -> ()
	0x02, 0x0b, 0x01, // import section: 1 import
	0x03, 'e', 'n', 'v', 0x03, 'l', 'o', 'g', 0x00, 0x01, // env.log: func of type 1
	0x03, 0x02, 0x01, 0x00, // function section: func 1 has type 0
	0x07, 0x07, 0x01, 0x03, 'a', 'd', 'd', 0x00, 0x01, // export section: "add" is func 1
	0x0a, 0x10, 0x01, 0x0e, 0x00, // code section: 1 body of 14 bytes, no locals
	0x20, 0x00, 0x20, 0x01, 0x6a, 0x10, 0x00, // local.get 0, local.get 1, i32.add, call 0
	0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, // local.get 0, local.get 1, i32.add, end
}

// A module imports a host function and exports add, which the host calls.
func Example() {
	ctx := context.Background()
	rt, err := terra.NewRuntime(terra.Config{})
	if err != nil {
		log.Fatal(err)
	}

	// The host module "env" exports log, which the module imports.
	_, err = rt.NewHostModule("env").
		Func("log", terra.Proc1(func(_ context.Context, _ terra.Caller, v int32) {
			fmt.Println("log:", v)
		})).
		Instantiate(ctx)
	if err != nil {
		log.Fatal(err)
	}

	cm, err := rt.Compile(ctx, addWasm)
	if err != nil {
		log.Fatal(err)
	}
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	if err != nil {
		log.Fatal(err)
	}
	results, err := inst.ExportedFunction("add").Call(ctx, 2, 3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("add(2, 3) =", int32(results[0]))
	// Output:
	// log: 5
	// add(2, 3) = 5
}

// greetWasm is this module, in the binary format:
//
//	(module
//	  (import "env" "print" (func $print (param i32 i32)))
//	  (memory 1)
//	  (func (export "greet") (call $print (i32.const 0) (i32.const 5)))
//	  (data (i32.const 0) "hello"))
var greetWasm = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
	0x01, 0x09, 0x02, // type section: 2 types
	0x60, 0x02, 0x7f, 0x7f, 0x00, // 0: (i32, i32) -> ()
	0x60, 0x00, 0x00, // 1: () -> ()
	0x02, 0x0d, 0x01, // import section: 1 import
	0x03, 'e', 'n', 'v', 0x05, 'p', 'r', 'i', 'n', 't', 0x00, 0x00, // env.print: func of type 0
	0x03, 0x02, 0x01, 0x01, // function section: func 1 has type 1
	0x05, 0x03, 0x01, 0x00, 0x01, // memory section: 1 memory, min 1 page
	0x07, 0x09, 0x01, 0x05, 'g', 'r', 'e', 'e', 't', 0x00, 0x01, // export section: "greet" is func 1
	0x0a, 0x0a, 0x01, 0x08, 0x00, // code section: 1 body of 8 bytes, no locals
	0x41, 0x00, 0x41, 0x05, 0x10, 0x00, 0x0b, // i32.const 0, i32.const 5, call 0, end
	0x0b, 0x0b, 0x01, // data section: 1 segment
	0x00, 0x41, 0x00, 0x0b, 0x05, 'h', 'e', 'l', 'l', 'o', // memory 0 at i32.const 0: "hello"
}

// A host function reads its caller's memory.
func ExampleCaller_Memory() {
	ctx := context.Background()
	rt, err := terra.NewRuntime(terra.Config{})
	if err != nil {
		log.Fatal(err)
	}
	_, err = rt.NewHostModule("env").
		Func("print", terra.Proc2(func(_ context.Context, caller terra.Caller, ptr, n uint32) {
			b, ok := caller.Memory().Read(ptr, n)
			if !ok {
				log.Fatal("out of bounds")
			}
			fmt.Println(string(b))
		})).
		Instantiate(ctx)
	if err != nil {
		log.Fatal(err)
	}
	cm, err := rt.Compile(ctx, greetWasm)
	if err != nil {
		log.Fatal(err)
	}
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := inst.ExportedFunction("greet").Call(ctx); err != nil {
		log.Fatal(err)
	}
	// Output:
	// hello
}
