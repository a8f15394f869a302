package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// dummyHash is verified against when the staff id is unknown, so that an
// unknown id takes as long to refuse as a wrong password.
var dummyHash = hashPassword("not a password anyone has")

// AuthenticateStaff checks a staff id and password as of now. It returns
// the account on success (MustChange set: the person must choose a new
// password before anything else), or ErrBadCredentials (unknown id or
// wrong password, alike), a *StaffLockedError (errors.Is ErrStaffLocked)
// while backing off, or ErrStaffDisabled for a right password of a
// disabled account. Wrong passwords are counted; a good one clears them.
// Nothing of the password is ever logged or stored.
func (w *Warehouse) AuthenticateStaff(ctx context.Context, staffID, password string, now time.Time) (Staff, error) {
	s, hash, err := readStaff(ctx, w.db, staffID)
	if errors.Is(err, ErrNotFound) {
		_, _ = verifyPassword(dummyHash, password)
		return Staff{}, fmt.Errorf("warehouse: sign in: %w", ErrBadCredentials)
	}
	if err != nil {
		return Staff{}, fmt.Errorf("warehouse: sign in: %w", err)
	}
	if s.LockedUntil != nil && now.Before(*s.LockedUntil) {
		return Staff{}, fmt.Errorf("warehouse: sign in %s: %w", staffID, &StaffLockedError{Until: *s.LockedUntil})
	}
	ok, err := verifyPassword(hash, password) // outside the writer lock: it takes a while
	if err != nil {
		return Staff{}, fmt.Errorf("warehouse: sign in %s: stored hash: %w", staffID, err)
	}
	var outcome error
	err = w.Write(ctx, func(conn *sql.Conn) error {
		cur, curHash, err := readStaff(ctx, conn, staffID)
		if err != nil {
			return err
		}
		if curHash != hash { // changed meanwhile: judge against what is stored now
			outcome = ErrBadCredentials
			return nil
		}
		if !ok {
			outcome = ErrBadCredentials
			return recordFailure(ctx, conn, cur, now, &outcome)
		}
		if cur.DisabledAt != nil {
			outcome = ErrStaffDisabled
			return nil
		}
		if _, err := conn.ExecContext(ctx, `UPDATE staff_accounts SET failed_tries = 0, locked_until = NULL,
			last_signin_at = ? WHERE staff_id = ?`, now, staffID); err != nil {
			return fmt.Errorf("record sign-in: %w", err)
		}
		s, _, err = readStaff(ctx, conn, staffID)
		return err
	})
	if err != nil {
		return Staff{}, fmt.Errorf("warehouse: sign in %s: %w", staffID, err)
	}
	if outcome != nil {
		return Staff{}, fmt.Errorf("warehouse: sign in %s: %w", staffID, outcome)
	}
	return s, nil
}

// lockFor is the backoff after the given number of wrong passwords in a
// row: none for the first few, then a minute, doubling to at most an hour.
func lockFor(failures int) time.Duration {
	if failures < staffFreeTries {
		return 0
	}
	d := staffFirstLock
	for i := staffFreeTries; i < failures && d < staffMaxLock; i++ {
		d *= 2
	}
	return min(d, staffMaxLock)
}

// recordFailure counts a wrong password and, past the free tries, locks
// the account, audited so that an admin sees someone guessing.
func recordFailure(ctx context.Context, conn *sql.Conn, s Staff, now time.Time, outcome *error) error {
	failures := s.FailedTries + 1
	var until *time.Time
	if d := lockFor(failures); d > 0 {
		u := now.Add(d)
		until = &u
	}
	if _, err := conn.ExecContext(ctx, "UPDATE staff_accounts SET failed_tries = ?, locked_until = ? WHERE staff_id = ?",
		failures, nullTime(until), s.StaffID); err != nil {
		return fmt.Errorf("record failed sign-in: %w", err)
	}
	if until == nil {
		return nil
	}
	*outcome = &StaffLockedError{Until: *until}
	return AppendAudit(ctx, conn, AuditEntry{At: now, Actor: s.StaffID, Role: s.Role, Action: AuditStaffLockout,
		Target: "staff " + s.StaffID, Filter: fmt.Sprintf("failed_tries=%d locked_until=%s", failures, until.UTC().Format(time.RFC3339)), Rows: 1})
}

// ChangeStaffPassword is the person's own change: the old password is
// checked as a sign-in is (wrong ones count toward the backoff), the new
// one against the policy, and must differ. It clears MustChange and ends
// the account's other sessions (all but keep, the session making the
// change; "" for none) and unused sign-in links. Audited.
func (w *Warehouse) ChangeStaffPassword(ctx context.Context, staffID, oldPassword, newPassword, keep string, now time.Time) error {
	if err := checkPassword(staffID, newPassword); err != nil {
		return fmt.Errorf("warehouse: change password of %s: %w", staffID, err)
	}
	if newPassword == oldPassword {
		return fmt.Errorf("warehouse: change password of %s: %w", staffID,
			&InvalidError{Msg: "the new password must differ from the old one", Kind: ErrWeakPassword})
	}
	s, err := w.AuthenticateStaff(ctx, staffID, oldPassword, now)
	if err != nil {
		return fmt.Errorf("warehouse: change password: %w", err)
	}
	hash := hashPassword(newPassword)
	err = w.Write(ctx, func(conn *sql.Conn) error {
		if _, err := conn.ExecContext(ctx, `UPDATE staff_accounts SET password_hash = ?, must_change = false,
			password_changed_at = ? WHERE staff_id = ?`, hash, now, staffID); err != nil {
			return fmt.Errorf("store password: %w", err)
		}
		ended, err := endStaffSignIns(ctx, conn, staffID, keep)
		if err != nil {
			return err
		}
		return AppendAudit(ctx, conn, AuditEntry{At: now, Actor: staffID, Role: s.Role, Action: AuditStaffChange,
			Target: "staff " + staffID, Filter: fmt.Sprintf("sessions_ended=%d", ended), Rows: 1})
	})
	if err != nil {
		return fmt.Errorf("warehouse: change password of %s: %w", staffID, err)
	}
	return nil
}
