package api

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"
)

// Body reads carry their own deadline instead of the server's ReadTimeout,
// which covers the whole body: at 60 s, a full 512 MiB upload needed
// 8.9 MB/s. Here each read must make progress within Config.BodyIdle, and
// the whole body must arrive at no less than Config.BodyMinRate (so a
// client trickling a byte at a time cannot hold a connection for ever). A
// hotel's slow uplink sending a large file works; a stalled one is cut off
// after BodyIdle, whatever the file's size.

// minBodyTotal is the least time any body is given, however small.
const minBodyTotal = time.Minute

// deadlineBody extends the connection's read deadline before each read.
type deadlineBody struct {
	body  io.ReadCloser
	rc    *http.ResponseController
	idle  time.Duration
	until time.Time // the whole body's deadline
	done  bool      // the body ended: the deadline is lifted
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	if b.done {
		return b.body.Read(p)
	}
	next := time.Now().Add(b.idle)
	if next.After(b.until) {
		next = b.until
	}
	if err := b.rc.SetReadDeadline(next); err != nil {
		return 0, err
	}
	n, err := b.body.Read(p)
	if err != nil {
		// Once the body has ended, the server reads the connection in the
		// background to notice a client going away; a deadline left on it
		// would end the request's context while the handler still works.
		b.done = true
		if cerr := b.rc.SetReadDeadline(time.Time{}); cerr != nil && err == io.EOF {
			err = cerr
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			err = errBodyStalled
		}
	}
	return n, err
}

func (b *deadlineBody) Close() error { return b.body.Close() }

// errBodyStalled is a body whose client stopped sending.
var errBodyStalled = errors.New("the request body stopped arriving")

// bodyDeadline puts the request's body, if it has one, under deadlineBody,
// given the body limit of its route.
func (s *Server) bodyDeadline(c *gin.Context, limit int64) *deadlineBody {
	if c.Request.Body == nil || c.Request.Body == http.NoBody {
		return nil
	}
	total := time.Duration(float64(limit) / float64(s.cfg.BodyMinRate) * float64(time.Second))
	if total < minBodyTotal {
		total = minBodyTotal
	}
	b := &deadlineBody{body: c.Request.Body, rc: http.NewResponseController(c.Writer), idle: s.cfg.BodyIdle, until: time.Now().Add(total)}
	c.Request.Body = b
	return b
}

// lift clears the read deadline once the handler is done, whatever it
// read, so that it cannot end the connection's background read.
func (b *deadlineBody) lift() {
	if b != nil && !b.done {
		b.done = true
		// An error means the connection is gone, which its next read says.
		_ = b.rc.SetReadDeadline(time.Time{})
	}
}
