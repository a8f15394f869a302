package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// afternoon is a server clock five hours after the hotel's tasks were
// generated (2026-11-22 12:00): past the idle time a lead must wait.
func afternoon() time.Time { return time.Date(2026, 11, 22, 17, 0, 0, 0, shanghai) }

// call sends one request over real HTTP and decodes the JSON answer; raw is
// the body as sent. The request and its answer are checked against
// openapi.yaml (see checkExchange).
func call(t *testing.T, method, url, token, body string) (res *http.Response, out map[string]any, raw string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkExchange(t, req, body, res, b)
	if isJSON(res.Header.Get("Content-Type")) { // downloads answer CSV or XLSX: out stays nil
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s: the JSON answer does not decode: %v", method, url, err)
		}
	}
	return res, out, string(b)
}

// get is call for a GET, without the raw answer.
func get(t *testing.T, url, token string) (*http.Response, map[string]any) {
	t.Helper()
	res, body, _ := call(t, http.MethodGet, url, token, "")
	return res, body
}

// wantProblem fails unless the answer is an RFC 9457 problem of status.
func wantProblem(t *testing.T, what string, res *http.Response, body map[string]any, status int) {
	t.Helper()
	if res.StatusCode != status {
		t.Errorf("%s: %d, want %d (%v)", what, res.StatusCode, status, body)
		return
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" || body["type"] == nil ||
		body["request_id"] == nil || body["status"] != float64(status) {
		t.Errorf("%s: not a problem+json: %s %v", what, ct, body)
	}
}

// roleCase is one row of a role matrix: who calls, and the status they get.
type roleCase struct {
	who    string // a key of hotel.tokens, or "" for no token
	status int
}

// everyRoleBut answers 403 for every role and 401 without a token, except
// for the roles given, in a fixed order with the allowed ones last (so that
// a write they make cannot change what the others see).
func everyRoleBut(allowed map[string]int) []roleCase {
	cases := []roleCase{{"", 401}}
	for _, who := range []string{"admin", "manager", "marketing", "butler B01", "butler B02", "lead B09"} {
		if _, ok := allowed[who]; !ok {
			cases = append(cases, roleCase{who, 403})
		}
	}
	for _, who := range []string{"admin", "manager", "marketing", "butler B02", "butler B01", "lead B09"} {
		if st, ok := allowed[who]; ok {
			cases = append(cases, roleCase{who, st})
		}
	}
	return cases
}

func (h *hotel) matrix(t *testing.T, method, url, body string, cases []roleCase) {
	t.Helper()
	for _, tc := range cases {
		res, out, _ := call(t, method, url, h.tokens[tc.who], body)
		if tc.status >= 400 {
			wantProblem(t, method+" "+url+" as "+orNobody(tc.who), res, out, tc.status)
		} else if res.StatusCode != tc.status {
			t.Errorf("%s %s as %s: %d, want %d (%v)", method, url, orNobody(tc.who), res.StatusCode, tc.status, out)
		}
	}
}

func orNobody(who string) string {
	if who == "" {
		return "nobody"
	}
	return who
}

// apiSpec is openapi.yaml, loaded, validated and routed.
type apiSpec struct {
	doc    *openapi3.T
	router routers.Router
	err    error
}

// openAPI loads openapi.yaml once for all the tests of the package.
var openAPI = sync.OnceValue(func() apiSpec {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("openapi.yaml")
	if err != nil {
		return apiSpec{err: fmt.Errorf("openapi.yaml: %w", err)}
	}
	if err := doc.Validate(loader.Context); err != nil {
		return apiSpec{err: fmt.Errorf("openapi.yaml is not a valid OpenAPI 3 document: %w", err)}
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return apiSpec{err: fmt.Errorf("openapi.yaml: routes: %w", err)}
	}
	return apiSpec{doc: doc, router: router}
})

// checkExchange checks one request a test sent, and the answer it got,
// against openapi.yaml:
//
//   - a request the document refuses (a bad parameter, a body of the wrong
//     shape) must be refused by the server too, with a 4xx;
//   - the answer's status must be one the operation lists, with the headers
//     and the content type it documents, and a JSON body must match its
//     schema; the body of any other media type (a download) is not read;
//   - a path or method the document does not know must be answered with its
//     NotFound problem, as the server answers unknown routes.
//
// Tokens are not checked here: the document only says that a bearer token
// is needed, and the role tests check who gets in.
func checkExchange(t *testing.T, sent *http.Request, body string, res *http.Response, answer []byte) {
	t.Helper()
	spec := openAPI()
	if spec.err != nil {
		t.Fatal(spec.err)
	}
	ctx := context.Background()
	req := sent.Clone(ctx)
	req.Body, req.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	opts := &openapi3filter.Options{
		AuthenticationFunc:                openapi3filter.NoopAuthenticationFunc,
		RejectWhenRequestBodyNotSpecified: true,
		IncludeResponseStatus:             true,
		MultiError:                        true,
		SchemaValidationOptions:           []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
	}

	route, params, err := spec.router.FindRoute(req)
	what := fmt.Sprintf("openapi.yaml: %s %s → %d", req.Method, req.URL.Path, res.StatusCode)
	if err != nil {
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: the route is not in the document (%v)", what, err)
			return
		}
		route = &routers.Route{Spec: spec.doc, Path: req.URL.Path, Method: req.Method, PathItem: &openapi3.PathItem{},
			Operation: &openapi3.Operation{Responses: openapi3.NewResponses(
				openapi3.WithStatus(http.StatusNotFound, spec.doc.Components.Responses["NotFound"]))}}
	} else {
		what = fmt.Sprintf("openapi.yaml: %s %s (%s) → %d", req.Method, route.Path, req.URL.RequestURI(), res.StatusCode)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if err == nil {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil && (res.StatusCode < 400 || res.StatusCode >= 500) {
			t.Errorf("%s: the document refuses the request and the server did not: %v", what, err)
		}
	}

	ct := res.Header.Get("Content-Type")
	if !isJSON(ct) {
		if err := documentsMediaType(route, res.StatusCode, ct); err != nil {
			t.Errorf("%s: %v", what, err)
			return
		}
		binary := *opts
		binary.ExcludeResponseBody = true
		opts = &binary
	}
	if err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Body: io.NopCloser(bytes.NewReader(answer)), Options: opts,
	}); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

// isJSON says whether a Content-Type is JSON (application/json or a +json
// type such as application/problem+json), whose bodies are validated.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// documentsMediaType checks that the route documents the content type of a
// non-JSON answer of this status. An undocumented status is left to
// ValidateResponse, which reports it.
func documentsMediaType(route *routers.Route, status int, contentType string) error {
	ref := route.Operation.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		return nil
	}
	content := ref.Value.Content
	switch {
	case len(content) == 0 && contentType == "":
		return nil
	case len(content) == 0:
		return fmt.Errorf("the answer is %s, the document describes no body", contentType)
	case content.Get(contentType) == nil:
		return fmt.Errorf("content type %q is not documented for %d", contentType, status)
	}
	return nil
}
