package engine

import (
	"sync"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
)

// runFeed fans out every run's start and end to followers (the scheduler,
// metrics). Unlike a run's watchers, a follower never misses one: each has
// its own queue, so a slow follower delays only itself and never the engine.
type runFeed struct {
	mu        sync.Mutex
	followers map[*follower]struct{}
}

type follower struct {
	mu    sync.Mutex
	queue []*zv1.Run
	wake  chan struct{}
	done  chan struct{}
	out   chan *zv1.Run
}

// Follow returns a channel that receives every run as it starts (state
// RUNNING) and as it ends (its final record), in order, and a function that
// stops following and closes the channel.
func (e *Engine) Follow() (<-chan *zv1.Run, func()) {
	f := &follower{wake: make(chan struct{}, 1), done: make(chan struct{}), out: make(chan *zv1.Run)}
	e.feed.mu.Lock()
	if e.feed.followers == nil {
		e.feed.followers = map[*follower]struct{}{}
	}
	e.feed.followers[f] = struct{}{}
	e.feed.mu.Unlock()
	go f.pump()
	var once sync.Once
	return f.out, func() {
		once.Do(func() {
			e.feed.mu.Lock()
			delete(e.feed.followers, f)
			e.feed.mu.Unlock()
			close(f.done)
		})
	}
}

func (fd *runFeed) publish(r *zv1.Run) {
	fd.mu.Lock()
	defer fd.mu.Unlock()
	for f := range fd.followers {
		f.mu.Lock()
		f.queue = append(f.queue, r)
		f.mu.Unlock()
		select {
		case f.wake <- struct{}{}:
		default:
		}
	}
}

func (f *follower) pump() {
	defer close(f.out)
	for {
		f.mu.Lock()
		var next *zv1.Run
		if len(f.queue) > 0 {
			next, f.queue = f.queue[0], f.queue[1:]
		}
		f.mu.Unlock()
		if next == nil {
			select {
			case <-f.wake:
				continue
			case <-f.done:
				return
			}
		}
		select {
		case f.out <- next:
		case <-f.done:
			return
		}
	}
}
