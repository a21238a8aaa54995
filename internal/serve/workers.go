package serve

import "time"

// Guests run on goroutines of their own (see App.serve). Starting a fresh
// goroutine per request would grow its stack to the interpreter's needs
// every time (copying it at each doubling); workers keep their grown
// stacks and wait for the next guest, until idle for a while.

// idleWorker is how long a worker without work lives on.
const idleWorker = 10 * time.Second

// jobs hands work to idle workers.
var jobs = make(chan func())

// goWorker runs f on an idle worker, or on a new one.
func goWorker(f func()) {
	select {
	case jobs <- f:
	default:
		go worker(f)
	}
}

func worker(f func()) {
	t := time.NewTimer(idleWorker)
	defer t.Stop()
	for {
		f()
		t.Reset(idleWorker)
		select {
		case f = <-jobs:
		case <-t.C:
			return
		}
	}
}
