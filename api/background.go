package api

import (
	"context"
	"sync"
)

// backgroundWork is what requests start and leave running after they
// answer (a manual nightly run, a KPI refresh). The server owns it: shutdown
// cancels it and waits for it, so nothing outlives Serve or touches the
// warehouse after its owner closes it.
type backgroundWork struct {
	mu     sync.Mutex // orders start against close, so Add never races Wait
	closed bool
	wg     sync.WaitGroup
	ctx    context.Context // cancelled by close
	cancel context.CancelFunc
}

func newBackgroundWork() *backgroundWork {
	ctx, cancel := context.WithCancel(context.Background())
	return &backgroundWork{ctx: ctx, cancel: cancel}
}

// background runs fn in a tracked goroutine with a context that keeps
// parent's values but not its cancellation, and ends when the server shuts
// down. It returns false, running nothing, once the server is shutting
// down.
func (s *Server) background(parent context.Context, fn func(ctx context.Context)) bool {
	b := s.bg
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	stop := context.AfterFunc(b.ctx, cancel)
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer cancel()
		defer stop()
		fn(ctx)
	}()
	return true
}

// Close cancels the work requests left running and waits for it to end.
// Serve calls it on shutdown; a caller that serves Handler itself calls it
// when done, before closing the warehouse. Calling it again is harmless.
func (s *Server) Close() {
	b := s.bg
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cancel()
	b.wg.Wait()
}
