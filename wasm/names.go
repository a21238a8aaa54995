package wasm

// parseNames reads the "name" custom section. Custom sections do not affect
// a module's validity, so a malformed name section yields whatever was read
// before the fault rather than an error.
func parseNames(data []byte) Names {
	var n Names
	r := reader{data: data, section: "name", fn: -1}
	for !r.eof() && r.err == nil {
		id := r.byte()
		size := r.u32()
		if r.err != nil || int64(size) > int64(r.remaining()) {
			return n
		}
		sub := reader{data: r.bytes(int(size)), section: "name", fn: -1}
		switch id {
		case 0:
			if name := sub.name(); sub.err == nil {
				n.Module = name
			}
		case 1:
			n.Functions = nameMap(&sub)
		case 2:
			count := sub.count()
			n.Locals = make(map[uint32]map[uint32]string, count)
			for i := 0; i < count && sub.err == nil; i++ {
				fn := sub.u32()
				if names := nameMap(&sub); sub.err == nil {
					n.Locals[fn] = names
				}
			}
		}
	}
	return n
}

func nameMap(r *reader) map[uint32]string {
	count := r.count()
	m := make(map[uint32]string, count)
	for i := 0; i < count && r.err == nil; i++ {
		idx := r.u32()
		if name := r.name(); r.err == nil {
			m[idx] = name
		}
	}
	return m
}

// FuncName returns the name of function idx from the name section, or "".
func (m *Module) FuncName(idx uint32) string {
	return m.Names.Functions[idx]
}
