package warehouse

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Passwords are hashed with argon2id at OWASP's recommended parameters
// (19 MiB, two passes, one lane): 36–56 ms of one core and 19 MiB per
// sign-in on the 2-core test machine,
// which the hotel's few dozen staff never notice and a stolen file's
// guesser pays on every guess.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonSaltLen   = 16
	argonKeyLen    = 32
)

// MinPasswordLen is the shortest password a staff account takes.
const MinPasswordLen = 10

// ErrWeakPassword is the kind of an *InvalidError for a password the policy
// refuses; its message says which rule, in words safe to show the person.
var ErrWeakPassword = errors.New("the password is too weak")

// checkPassword applies the policy: at least MinPasswordLen characters,
// not only digits (a phone number or a birthday), not the staff id.
func checkPassword(staffID, password string) error {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLen:
		return weak(fmt.Sprintf("the password needs at least %d characters", MinPasswordLen))
	case strings.Trim(password, "0123456789") == "":
		return weak("the password may not be only digits")
	case strings.EqualFold(strings.TrimSpace(password), staffID):
		return weak("the password may not be the staff id")
	case len(password) > 1024:
		return weak("the password may be at most 1024 bytes")
	}
	return nil
}

func weak(msg string) error { return &InvalidError{Msg: msg, Kind: ErrWeakPassword} }

// hashPassword returns the PHC string of a fresh argon2id hash.
func hashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	_, _ = rand.Read(salt) // crypto/rand never fails; it crashes the program first
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// phcHash is a parsed argon2id PHC string.
type phcHash struct {
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

// parsePHC reads an argon2id PHC string. The parameters are read from the
// string, not assumed, so that hashes made at other costs still verify;
// costs beyond sane bounds are refused, as a corrupted row must not make a
// sign-in allocate gigabytes.
func parsePHC(s string) (phcHash, error) {
	var h phcHash
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return h, errors.New("not an argon2id v19 PHC string")
	}
	var m, t, p uint64
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return h, fmt.Errorf("argon2id parameter %q", kv)
		}
		switch k {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			p = n
		default:
			return h, fmt.Errorf("unknown argon2id parameter %q", k)
		}
	}
	if m < 8 || m > 1<<20 || t < 1 || t > 16 || p < 1 || p > 16 {
		return h, fmt.Errorf("argon2id parameters m=%d t=%d p=%d out of bounds", m, t, p)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return h, errors.New("argon2id salt is not base64 of at least 8 bytes")
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return h, errors.New("argon2id hash is not base64 of 16 to 64 bytes")
	}
	return phcHash{memory: uint32(m), time: uint32(t), threads: uint8(p), salt: salt, key: key}, nil
}

// verifyPassword reports whether password matches the stored PHC string,
// comparing in constant time.
func verifyPassword(stored, password string) (bool, error) {
	h, err := parsePHC(stored)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// tempAlphabet has no look-alikes (0/O, 1/l/I), as a temporary password is
// read aloud or copied from a screen.
const tempAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewTemporaryPassword returns a random 14-character password that passes
// the policy, for an admin to hand over once; the account must change it.
func NewTemporaryPassword() string {
	for {
		b := make([]byte, 14)
		_, _ = rand.Read(b)
		for i := range b {
			b[i] = tempAlphabet[int(b[i])%len(tempAlphabet)] // 256 % 56 bias: 14 chars keep > 80 bits
		}
		if checkPassword("", string(b)) == nil {
			return string(b)
		}
	}
}
