package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/internal/freetext"
)

// Staff accounts let a person sign in with their staff id and a password
// (see staff_password.go for the hash and the policy). Failed tries back
// off: after staffFreeTries wrong passwords in a row the account is locked
// for a minute, each further wrong one doubles that up to an hour, and a
// good sign-in clears it all.

// Audit actions of staff accounts.
const (
	AuditStaffCreate  = "staff_create"
	AuditStaffReset   = "staff_password_reset"
	AuditStaffChange  = "staff_password_change"
	AuditStaffDisable = "staff_disable"
	AuditStaffLockout = "staff_lockout"
)

const (
	staffFreeTries = 5
	staffFirstLock = time.Minute
	staffMaxLock   = time.Hour
)

// ErrBadCredentials is returned by AuthenticateStaff for an unknown staff
// id or a wrong password, alike, so that a guesser learns neither.
var ErrBadCredentials = errors.New("wrong staff id or password")

// ErrStaffDisabled is returned for a right password of a disabled account.
var ErrStaffDisabled = errors.New("the staff account is disabled")

// ErrStaffLocked is matched by a *StaffLockedError.
var ErrStaffLocked = errors.New("the staff account is locked after too many wrong passwords")

// ErrStaffExists is returned when an account with that staff id exists.
var ErrStaffExists = errors.New("a staff account with that staff id exists")

// ErrAlreadyDisabled is returned when a disabled account is disabled again.
var ErrAlreadyDisabled = errors.New("the staff account is already disabled")

// StaffLockedError says until when a locked account refuses to sign in.
type StaffLockedError struct{ Until time.Time }

func (e *StaffLockedError) Error() string {
	return fmt.Sprintf("%v until %s", ErrStaffLocked, e.Until.UTC().Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrStaffLocked) true.
func (e *StaffLockedError) Is(target error) bool { return target == ErrStaffLocked }

// InvalidError is a request refused for a rule of the input (a role that
// does not exist, a weak password); its message is safe to show.
type InvalidError struct {
	Msg  string
	Kind error // ErrWeakPassword, or nil
}

func (e *InvalidError) Error() string { return e.Msg }

// Unwrap lets errors.Is find the kind.
func (e *InvalidError) Unwrap() error { return e.Kind }

func invalid(format string, a ...any) error { return &InvalidError{Msg: fmt.Sprintf(format, a...)} }

// Staff is a staff account as stored: everything but the password hash.
type Staff struct {
	StaffID           string     `json:"staff_id"`
	Role              string     `json:"role"`
	Name              string     `json:"name"`
	MustChange        bool       `json:"must_change"`
	FailedTries       int        `json:"failed_tries"`
	LockedUntil       *time.Time `json:"locked_until"`
	DisabledAt        *time.Time `json:"disabled_at"`
	PasswordChangedAt time.Time  `json:"password_changed_at"`
	LastSignInAt      *time.Time `json:"last_signin_at"`
	CreatedAt         time.Time  `json:"created_at"`
}

const staffColumns = `staff_id, role, name, must_change, failed_tries, locked_until, disabled_at,
	password_changed_at, last_signin_at, created_at, password_hash`

func scanStaff(r rowScanner) (Staff, string, error) {
	var s Staff
	var hash string
	var locked, disabled, signin sql.NullTime
	if err := r.Scan(&s.StaffID, &s.Role, &s.Name, &s.MustChange, &s.FailedTries, &locked, &disabled,
		&s.PasswordChangedAt, &signin, &s.CreatedAt, &hash); err != nil {
		return s, "", err
	}
	s.LockedUntil, s.DisabledAt, s.LastSignInAt = timePtr(locked), timePtr(disabled), timePtr(signin)
	return s, hash, nil
}

func readStaff(ctx context.Context, q queryRower, staffID string) (Staff, string, error) {
	s, hash, err := scanStaff(q.QueryRowContext(ctx, "SELECT "+staffColumns+" FROM staff_accounts WHERE staff_id = ?", staffID))
	if errors.Is(err, sql.ErrNoRows) {
		return s, "", fmt.Errorf("staff account %s: %w", staffID, ErrNotFound)
	}
	if err != nil {
		return s, "", fmt.Errorf("read staff account %s: %w", staffID, err)
	}
	return s, hash, nil
}

// staffAudit fills the action's part of the caller's audit entry (who,
// when, from where). Never the password.
func staffAudit(as AuditEntry, action, staffID, filter string) AuditEntry {
	as.Action, as.Target, as.Filter, as.Rows = action, "staff "+staffID, filter, 1
	return as
}

func checkActor(as AuditEntry) error {
	if as.Actor == "" || as.At.IsZero() {
		return errors.New("who acts and when must both be given")
	}
	return nil
}

// CreateStaff makes a staff account. A butler's or lead's staff id must be
// on the roster (ErrNotFound otherwise), as their work is scoped by it.
// password "" makes a temporary one, returned (and only then), which the
// person must change at the first sign-in. The creation is audited as `as`
// says (At, Actor, Role, ClientIP), in the same transaction.
func (w *Warehouse) CreateStaff(ctx context.Context, staffID, role, name, password string, as AuditEntry) (Staff, string, error) {
	staffID, name = strings.TrimSpace(staffID), freetext.Line(name)
	temporary := password == ""
	if temporary {
		password = NewTemporaryPassword()
	}
	var err error
	switch {
	case staffID == "" || len(staffID) > 32 || strings.ContainsAny(staffID, " \t\r\n/"):
		err = invalid("a staff id is 1 to 32 characters without spaces or slashes")
	case !roles.Valid(role):
		err = invalid("role %q is not admin, manager, marketing, lead or butler", role)
	case name == "":
		err = invalid("a staff account needs a name")
	default:
		err = checkPassword(staffID, password)
	}
	if err == nil {
		err = checkActor(as)
	}
	if err != nil {
		return Staff{}, "", fmt.Errorf("warehouse: create staff account: %w", err)
	}
	hash := hashPassword(password) // outside the writer lock: it takes a while
	var s Staff
	err = w.Write(ctx, func(conn *sql.Conn) error {
		if roles.NeedsStaff(role) {
			var onRoster bool
			if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM butlers WHERE staff_id = ?)", staffID).Scan(&onRoster); err != nil {
				return fmt.Errorf("look up %s on the roster: %w", staffID, err)
			}
			if !onRoster {
				return fmt.Errorf("staff id %s is not on the roster: %w", staffID, ErrNotFound)
			}
		}
		var exists bool
		if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM staff_accounts WHERE staff_id = ?)", staffID).Scan(&exists); err != nil {
			return fmt.Errorf("check staff id: %w", err)
		}
		if exists {
			return ErrStaffExists
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO staff_accounts (staff_id, role, name, password_hash, must_change,
			failed_tries, locked_until, disabled_at, password_changed_at, last_signin_at, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, 0, NULL, NULL, ?, NULL, ?, ?)`,
			staffID, role, name, hash, temporary, as.At, as.At, freetext.Line(as.Actor)); err != nil {
			return fmt.Errorf("store staff account: %w", err)
		}
		if err := AppendAudit(ctx, conn, staffAudit(as, AuditStaffCreate, staffID, "role="+role)); err != nil {
			return err
		}
		s, _, err = readStaff(ctx, conn, staffID)
		return err
	})
	if err != nil {
		return Staff{}, "", fmt.Errorf("warehouse: create staff account %s: %w", staffID, err)
	}
	if !temporary {
		password = ""
	}
	return s, password, nil
}

// StaffAccounts lists every staff account, disabled ones too, by staff id.
func (w *Warehouse) StaffAccounts(ctx context.Context) ([]Staff, error) {
	rows, err := w.db.QueryContext(ctx, "SELECT "+staffColumns+" FROM staff_accounts ORDER BY staff_id")
	if err != nil {
		return nil, fmt.Errorf("warehouse: list staff accounts: %w", err)
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		s, _, err := scanStaff(rows)
		if err != nil {
			return nil, fmt.Errorf("warehouse: list staff accounts: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: list staff accounts: %w", err)
	}
	return out, nil
}

// ResetStaffPassword is an admin's reset: it sets password (or, when "",
// a temporary one, returned), clears the backoff, makes the person choose a
// new password at the next sign-in, and ends the account's sessions and
// unused sign-in links at once. Audited as `as` says.
func (w *Warehouse) ResetStaffPassword(ctx context.Context, staffID, password string, as AuditEntry) (string, error) {
	temporary := password == ""
	if temporary {
		password = NewTemporaryPassword()
	}
	if err := checkPassword(staffID, password); err != nil {
		return "", fmt.Errorf("warehouse: reset password of %s: %w", staffID, err)
	}
	if err := checkActor(as); err != nil {
		return "", fmt.Errorf("warehouse: reset password of %s: %w", staffID, err)
	}
	hash := hashPassword(password)
	err := w.Write(ctx, func(conn *sql.Conn) error {
		if _, _, err := readStaff(ctx, conn, staffID); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `UPDATE staff_accounts SET password_hash = ?, must_change = true,
			failed_tries = 0, locked_until = NULL, password_changed_at = ? WHERE staff_id = ?`, hash, as.At, staffID); err != nil {
			return fmt.Errorf("store password: %w", err)
		}
		// Whoever knew the old password, or holds a browser signed in
		// with it, is out at once.
		ended, err := endStaffSignIns(ctx, conn, staffID, "")
		if err != nil {
			return err
		}
		return AppendAudit(ctx, conn, staffAudit(as, AuditStaffReset, staffID, fmt.Sprintf("sessions_ended=%d", ended)))
	})
	if err != nil {
		return "", fmt.Errorf("warehouse: reset password of %s: %w", staffID, err)
	}
	if !temporary {
		password = ""
	}
	return password, nil
}

// DisableStaff ends an account's sign-ins for good, at once and in one
// transaction: its sessions end, its unused sign-in links are dropped, and
// the live tokens that act as the same staff id are revoked (a departed
// butler's phone keeps nothing). ErrNotFound, or ErrAlreadyDisabled.
// Audited, each revoked token too.
func (w *Warehouse) DisableStaff(ctx context.Context, staffID string, as AuditEntry) (Staff, error) {
	if err := checkActor(as); err != nil {
		return Staff{}, fmt.Errorf("warehouse: disable %s: %w", staffID, err)
	}
	var s Staff
	err := w.Write(ctx, func(conn *sql.Conn) error {
		old, _, err := readStaff(ctx, conn, staffID)
		if err != nil {
			return err
		}
		if old.DisabledAt != nil {
			return ErrAlreadyDisabled
		}
		if _, err := conn.ExecContext(ctx, "UPDATE staff_accounts SET disabled_at = ? WHERE staff_id = ?", as.At, staffID); err != nil {
			return fmt.Errorf("store disabling: %w", err)
		}
		ended, err := endStaffSignIns(ctx, conn, staffID, "")
		if err != nil {
			return err
		}
		revoked, err := revokeStaffTokens(ctx, conn, staffID, as)
		if err != nil {
			return err
		}
		if err := AppendAudit(ctx, conn, staffAudit(as, AuditStaffDisable, staffID,
			fmt.Sprintf("sessions_ended=%d tokens_revoked=%d", ended, revoked))); err != nil {
			return err
		}
		s, _, err = readStaff(ctx, conn, staffID)
		return err
	})
	if err != nil {
		return Staff{}, fmt.Errorf("warehouse: disable %s: %w", staffID, err)
	}
	return s, nil
}

// revokeStaffTokens revokes, in the caller's transaction, the live tokens
// acting as staffID, with their sessions, each audited as a revocation.
func revokeStaffTokens(ctx context.Context, conn *sql.Conn, staffID string, as AuditEntry) (int, error) {
	rows, err := conn.QueryContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE staff_id = ? AND revoked_at IS NULL ORDER BY token_id", staffID)
	if err != nil {
		return 0, fmt.Errorf("find tokens of %s: %w", staffID, err)
	}
	var live []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("find tokens of %s: %w", staffID, err)
		}
		live = append(live, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("find tokens of %s: %w", staffID, err)
	}
	for _, t := range live {
		if _, err := conn.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE token_id = ?", as.At, t.ID); err != nil {
			return 0, fmt.Errorf("revoke token %d: %w", t.ID, err)
		}
		if _, err := conn.ExecContext(ctx, "DELETE FROM ui_sessions WHERE token_id = ?", t.ID); err != nil {
			return 0, fmt.Errorf("end sessions of token %d: %w", t.ID, err)
		}
		e := tokenAudit(AuditTokenRevoke, t.ID, t.Name, t.Role, t.StaffID, nil, as.Actor, as.At)
		e.ClientIP = as.ClientIP
		if err := AppendAudit(ctx, conn, e); err != nil {
			return 0, err
		}
	}
	return len(live), nil
}
