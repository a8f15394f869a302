package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/warehouse"
)

// createStaffRequest is the body of POST /api/v1/staff.
type createStaffRequest struct {
	StaffID  string `json:"staff_id"`
	Role     string `json:"role"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

const createStaffShape = `{"staff_id": "B005", "role": "butler", "name": "…", "password": "… (optional)"}`

// staffCreated is the answer of POST /api/v1/staff and of a password
// reset: the temporary password appears only when the server made one,
// and only in this answer.
type staffCreated struct {
	Staff             warehouse.Staff `json:"staff"`
	TemporaryPassword string          `json:"temporary_password,omitempty"`
}

// createStaff is POST /api/v1/staff: an admin makes a staff account, with
// the password given or a temporary one made here (shown once, to be
// changed at the first sign-in). 400 for a weak password or bad role, or a
// butler's or lead's staff id that is not on the roster; 409 when the
// account exists.
func (s *Server) createStaff(c *gin.Context) {
	var req createStaffRequest
	if !s.readJSON(c, &req, createStaffShape) {
		return
	}
	st, temp, err := s.wh.CreateStaff(c.Request.Context(), req.StaffID, req.Role, req.Name, req.Password, s.auditEntry(c, "", ""))
	if errors.Is(err, warehouse.ErrNotFound) {
		abort(c, http.StatusBadRequest, "a butler's or lead's staff id must be on the roster")
		return
	}
	if err != nil {
		s.failAdmin(c, err)
		return
	}
	c.JSON(http.StatusCreated, staffCreated{Staff: st, TemporaryPassword: temp})
}

// listStaff is GET /api/v1/staff: every account, disabled ones too, never
// a password hash.
func (s *Server) listStaff(c *gin.Context) {
	list, err := s.wh.StaffAccounts(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	if list == nil {
		list = []warehouse.Staff{}
	}
	c.JSON(http.StatusOK, gin.H{"staff": list})
}

// resetPasswordRequest is the body of POST /api/v1/staff/{id}/password.
type resetPasswordRequest struct {
	Password string `json:"password"`
}

// resetStaffPassword is POST /api/v1/staff/{id}/password: an admin sets a
// password (or, with none or no body, gets a temporary one, shown once);
// the person must change it at the next sign-in, and any backoff is
// cleared.
func (s *Server) resetStaffPassword(c *gin.Context) {
	var req resetPasswordRequest
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		abort(c, http.StatusRequestEntityTooLarge, "the body is too large")
		return
	}
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil || dec.More() {
			abort(c, http.StatusBadRequest, `the body must be empty or one JSON object: {"password": "… (optional)"}`)
			return
		}
	}
	ctx := c.Request.Context()
	id := strings.TrimSpace(c.Param("id"))
	temp, err := s.wh.ResetStaffPassword(ctx, id, req.Password, s.auditEntry(c, "", ""))
	if err != nil {
		s.failAdmin(c, err)
		return
	}
	st, err := s.staffByID(c, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, staffCreated{Staff: st, TemporaryPassword: temp})
}

// disableStaff is POST /api/v1/staff/{id}/disable: the account signs in no
// more. Its tokens are apart: revoke them with DELETE /api/v1/tokens/{id}.
func (s *Server) disableStaff(c *gin.Context) {
	st, err := s.wh.DisableStaff(c.Request.Context(), strings.TrimSpace(c.Param("id")), s.auditEntry(c, "", ""))
	if err != nil {
		s.failAdmin(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

// staffByID reads one account from the list (a hotel has tens of them).
func (s *Server) staffByID(c *gin.Context, id string) (warehouse.Staff, error) {
	list, err := s.wh.StaffAccounts(c.Request.Context())
	if err != nil {
		return warehouse.Staff{}, err
	}
	for _, st := range list {
		if st.StaffID == id {
			return st, nil
		}
	}
	return warehouse.Staff{}, warehouse.ErrNotFound
}
