package api

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/warehouse"
)

// tokenRoles are the roles x-roles may name.
var tokenRoles = []string{roles.Admin, roles.Manager, roles.Marketing, roles.Butler, roles.Lead}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	spec := openAPI()
	if spec.err != nil {
		t.Fatal(spec.err)
	}
	if spec.doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi: %s, want 3.0.3", spec.doc.OpenAPI)
	}
	for _, op := range specOperations(spec.doc) {
		if op.op.OperationID == "" || op.op.Description == "" {
			t.Errorf("%s: no operationId or description", op.name)
		}
		for status, res := range op.op.Responses.Map() {
			if res.Value == nil || res.Value.Headers["X-Request-Id"] == nil {
				t.Errorf("%s: answer %s does not document X-Request-Id, which every answer has", op.name, status)
			}
		}
		if isPublic(op.op) {
			if op.op.Extensions["x-roles"] != nil {
				t.Errorf("%s: needs no token but lists x-roles", op.name)
			}
			continue
		}
		who := xRoles(op.op)
		if len(who) == 0 {
			t.Errorf("%s: needs a token but lists no x-roles", op.name)
		}
		for _, r := range who {
			if !slices.Contains(tokenRoles, r) {
				t.Errorf("%s: x-roles names %q, which is no role", op.name, r)
			}
		}
		// What authenticate and allow answer before any handler runs.
		for _, status := range []int{401, 403, 429, 500} {
			if op.op.Responses.Status(status) == nil {
				t.Errorf("%s: needs a token but does not document %d", op.name, status)
			}
		}
	}
}

// apiRoute says whether a route is the API's, rather than a web page's
// (the pages under /ui/ have tests of their own).
func apiRoute(path string) bool { return path != "/" && !strings.HasPrefix(path, "/ui/") }

// A route cannot be served undocumented, nor documented and not served.
func TestEveryRouteIsInTheOpenAPIDocument(t *testing.T) {
	spec := openAPI()
	if spec.err != nil {
		t.Fatal(spec.err)
	}
	w, err := warehouse.Open(context.Background(), warehouse.Config{Path: filepath.Join(t.TempDir(), "w.duckdb"), Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	s, err := New(Config{}, w, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, r := range s.engine.Routes() {
		if apiRoute(r.Path) {
			served[r.Method+" "+specPath(r.Path)] = true
		}
	}
	documented := map[string]bool{}
	for _, op := range specOperations(spec.doc) {
		documented[op.name] = true
	}
	for _, name := range slices.Sorted(maps.Keys(served)) {
		if !documented[name] {
			t.Errorf("%s is served but not in openapi.yaml", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(documented)) {
		if !served[name] {
			t.Errorf("%s is in openapi.yaml but not served", name)
		}
	}
}

// The x-roles of every operation are the roles its allow list lets in:
// each other role is refused by the role check itself, before the handler.
func TestOpenAPIRolesAreTheAllowLists(t *testing.T) {
	spec := openAPI()
	if spec.err != nil {
		t.Fatal(spec.err)
	}
	h := newHotel(t)
	ts := h.server(t, Config{})
	tokens := map[string]string{roles.Admin: h.tokens["admin"], roles.Manager: h.tokens["manager"],
		roles.Marketing: h.tokens["marketing"], roles.Butler: h.tokens["butler B01"], roles.Lead: h.tokens["lead B09"]}
	for _, op := range specOperations(spec.doc) {
		if isPublic(op.op) {
			continue
		}
		// No body and a made-up id: an allowed role gets past the role check
		// to a 400 or 404, and nothing is written.
		url := ts.URL + pathParam.ReplaceAllString(op.path, "987654") // an id no fixture has: DELETE /tokens/1 would revoke one
		for _, role := range tokenRoles {
			res, body, _ := call(t, op.method, url, tokens[role], "")
			refused := res.StatusCode == http.StatusForbidden && body["detail"] == "the "+role+" role may not use this"
			if allowed := slices.Contains(xRoles(op.op), role); refused == allowed {
				t.Errorf("%s: x-roles says %s may call it: %v; the server answered %d %v", op.name, role, allowed, res.StatusCode, body)
			}
		}
	}
}

// specOperation is one operation of the document.
type specOperation struct {
	name, method, path string // name is "GET /api/v1/callbacks"
	op                 *openapi3.Operation
}

// specOperations lists the document's operations by path, then method.
func specOperations(doc *openapi3.T) []specOperation {
	var out []specOperation
	for _, path := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
		ops := doc.Paths.Value(path).Operations()
		for _, method := range slices.Sorted(maps.Keys(ops)) {
			out = append(out, specOperation{method + " " + path, method, path, ops[method]})
		}
	}
	return out
}

// isPublic says whether an operation needs no token (security: []).
func isPublic(op *openapi3.Operation) bool { return op.Security != nil && len(*op.Security) == 0 }

// xRoles reads an operation's x-roles.
func xRoles(op *openapi3.Operation) []string {
	list, _ := op.Extensions["x-roles"].([]any)
	var out []string
	for _, r := range list {
		s, _ := r.(string)
		out = append(out, s)
	}
	return out
}

var (
	ginParam  = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)
	pathParam = regexp.MustCompile(`\{[^}]+\}`)
)

// specPath writes a gin route (/callbacks/:id) as an OpenAPI path
// (/callbacks/{id}).
func specPath(ginPath string) string { return ginParam.ReplaceAllString(ginPath, "{$1}") }
