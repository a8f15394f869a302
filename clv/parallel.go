package clv

import (
	"sync"
	"sync/atomic"
)

// blockSize is how many rows one block of a likelihood sum holds. Partial
// sums are kept per block and added in block order, so a result does not
// depend on how many goroutines computed it.
const blockSize = 8192

// parallelMin is the row count below which a sum stays on one goroutine:
// under it, starting goroutines costs more than it saves.
const parallelMin = 4 * blockSize

// blocks returns how many blocks n rows make.
func blocks(n int) int { return (n + blockSize - 1) / blockSize }

// forBlocks calls fn(i) for every block i < nBlocks on up to workers
// goroutines and returns when all are done.
func forBlocks(nBlocks, workers int, fn func(i int)) {
	if workers > nBlocks {
		workers = nBlocks
	}
	if workers <= 1 {
		for i := range nBlocks {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= nBlocks {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// span returns the half-open row range of block i of n rows.
func span(i, n int) (lo, hi int) {
	lo = i * blockSize
	return lo, min(lo+blockSize, n)
}
