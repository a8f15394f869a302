// Package api serves Revisit over HTTP with gin: JSON under /api/v1 for
// managers, marketing and butlers, with bearer-token roles, RFC 9457
// problem+json errors, health endpoints and graceful shutdown.
//
// Handlers are thin: they parse, call the warehouse or reports with the
// request's context, and write. Errors map to status codes in one place
// (problem.go).
package api
