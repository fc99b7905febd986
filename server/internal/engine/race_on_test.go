//go:build race

package engine_test

// raceEnabled: the race detector slows the long simulations ninefold; they run without it (make test-go).
const raceEnabled = true
