package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/warehouse"
)

// failAdmin maps the refusals of staff and token administration, then
// leaves the rest to fail. Every message shown is the warehouse's safe
// one: it never holds a password or a token.
func (s *Server) failAdmin(c *gin.Context, err error) {
	var inv *warehouse.InvalidError
	switch {
	case errors.As(err, &inv):
		abort(c, http.StatusBadRequest, inv.Msg)
	case errors.Is(err, warehouse.ErrStaffExists):
		abort(c, http.StatusConflict, warehouse.ErrStaffExists.Error())
	case errors.Is(err, warehouse.ErrAlreadyDisabled):
		abort(c, http.StatusConflict, warehouse.ErrAlreadyDisabled.Error())
	case errors.Is(err, warehouse.ErrAlreadyRevoked):
		abort(c, http.StatusConflict, warehouse.ErrAlreadyRevoked.Error())
	case errors.Is(err, warehouse.ErrTokenNameTaken):
		abort(c, http.StatusConflict, warehouse.ErrTokenNameTaken.Error()+": revoke it first or choose another name")
	default:
		s.fail(c, err)
	}
}
