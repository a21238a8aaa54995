package store

import "sync"

// Recycler keeps the storage of released instances of one module for later
// instantiations of it: the records of the module's functions, the function
// index space and the element arrays of its tables. A Go program defines
// thousands of functions; allocating and zeroing their records, then
// collecting them, was most of what instantiating one cost beyond its
// memory. A Recycler is safe for concurrent use.
type Recycler struct {
	mu      sync.Mutex
	free    []*storage
	drained bool // by Drain: keep nothing more
}

// maxRecycled bounds what a Recycler keeps: beyond it, released storage is
// left to the garbage collector.
const maxRecycled = 64

// storage is what an instance takes from a Recycler and gives back.
type storage struct {
	funcs      []Function    // the module's own functions
	typeIDs    []uint32      // the store's IDs of the module's signatures
	index      []*Function   // the function index space, imports first
	tables     [][]uint64    // element arrays of the module's own tables
	tableFuncs [][]*Function // their function arrays
	ctx        []uint64      // the instance context
}

func (r *Recycler) get() *storage {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.free)
	if n == 0 {
		return nil
	}
	st := r.free[n-1]
	r.free[n-1] = nil
	r.free = r.free[:n-1]
	return st
}

func (r *Recycler) put(st *storage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.drained && len(r.free) < maxRecycled {
		r.free = append(r.free, st)
	}
}

// Drain drops the storage kept, and keeps none released from now on: for
// a module that will have no new instances.
func (r *Recycler) Drain() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.free, r.drained = nil, true
}

// recycle gives the instance's storage to its recycler, once no user is
// left: no function of it is registered any more, and no instance imports
// from it. Its tables and function index space read as empty from then on,
// so that stale references to them see nothing of the next tenant.
func (inst *Instance) recycle() {
	if inst.recycler == nil {
		return
	}
	st := &storage{funcs: inst.funcs, typeIDs: inst.typeIDs, index: inst.Funcs[:0], ctx: inst.ctx[:0]}
	for _, t := range inst.Tables {
		if t.owner == inst {
			st.tables = append(st.tables, t.Elems[:0])
			st.tableFuncs = append(st.tableFuncs, t.Funcs[:0])
			t.Elems, t.Funcs, t.Max = nil, nil, 0
			t.updateViews()
		}
	}
	inst.funcs, inst.Funcs, inst.ctx = nil, nil, nil
	inst.recycler.put(st)
}
