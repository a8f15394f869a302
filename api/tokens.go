package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/warehouse"
)

// defaultTokenLife is a new token's lifetime when none is asked for, as
// `revisit token create` gives.
const defaultTokenLife = 90 * 24 * time.Hour

// createTokenRequest is the body of POST /api/v1/tokens.
type createTokenRequest struct {
	Role         string     `json:"role"`
	Name         string     `json:"name"`
	StaffID      string     `json:"staff_id"`
	ExpiresAt    *time.Time `json:"expires_at"`
	NeverExpires bool       `json:"never_expires"`
}

const createTokenShape = `{"role": "butler", "name": "…", "staff_id": "B005", "expires_at": "RFC 3339 (optional)", "never_expires": false}`

// tokenCreated is the answer of POST /api/v1/tokens: the stored record and
// the secret, which exists only in this answer.
type tokenCreated struct {
	warehouse.Token
	Secret string `json:"token"`
}

// createToken is POST /api/v1/tokens: an admin makes an API token; the
// token is in the answer once and never again (only its hash is kept).
// Without expires_at it lives 90 days; never_expires makes one that does
// not expire.
func (s *Server) createToken(c *gin.Context) {
	var req createTokenRequest
	if !s.readJSON(c, &req, createTokenShape) {
		return
	}
	now := s.cfg.Now()
	expires := req.ExpiresAt
	switch {
	case req.NeverExpires && expires != nil:
		abort(c, http.StatusBadRequest, "give expires_at or never_expires, not both")
		return
	case req.NeverExpires:
	case expires == nil:
		at := now.Add(defaultTokenLife)
		expires = &at
	}
	tok := principal(c)
	secret, t, err := s.wh.CreateToken(c.Request.Context(), req.Name, req.Role, req.StaffID, expires, actorOf(tok.Name, tok.StaffID), now)
	if errors.Is(err, warehouse.ErrNotFound) {
		abort(c, http.StatusBadRequest, "a butler's or lead's staff id must be on the roster")
		return
	}
	if err != nil {
		s.failAdmin(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, tokenCreated{Token: t, Secret: secret})
}

// listTokens is GET /api/v1/tokens: every token, revoked and expired ones
// too, never a secret.
func (s *Server) listTokens(c *gin.Context) {
	list, err := s.wh.Tokens(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	if list == nil {
		list = []warehouse.Token{}
	}
	c.JSON(http.StatusOK, gin.H{"tokens": list})
}

// revokeToken is DELETE /api/v1/tokens/{id}: the token is refused from
// the next request on. 409 when it was revoked before.
func (s *Server) revokeToken(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		abort(c, http.StatusNotFound, "")
		return
	}
	tok := principal(c)
	if err := s.wh.RevokeToken(c.Request.Context(), id, actorOf(tok.Name, tok.StaffID), s.cfg.Now()); err != nil {
		s.failAdmin(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
